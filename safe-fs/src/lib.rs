//! File-system primitives for writing into directories that other people (or a planted link) may share.
//!
//! * Every file and directory is created relative to an open directory handle ([`Dir`]), exclusively
//!   (`O_CREAT|O_EXCL`), without following a symbolic link (`O_NOFOLLOW`, and every directory below a handle
//!   is opened with `O_NOFOLLOW`), under a name with 64 random bits (`.<base>.<16 hex>.ameide-tmp`), so nobody
//!   can predict it, plant a link at it, or have it taken for theirs.
//! * Content reaches its real name only by a rename, after its data is on disk ([`Dir::sync_filesystem`]).
//! * Leftovers of a killed run carry that one suffix, so later runs recognise them ([`is_leftover`]).
//! * One writer at a time per directory: an advisory `flock` on the directory itself ([`Dir::lock`]).
//!
//! Unix only (the tools ship for Linux).

use std::ffi::OsStr;
use std::io::{self, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rustix::fs::{self as rfs, AtFlags, FlockOperation, Mode, OFlags, RenameFlags};

/// The suffix of every temporary name; nothing else is ever given it.
pub const TEMP_SUFFIX: &str = ".ameide-tmp";

/// Permissions of the files and directories created (before the umask), as `open`/`mkdir` callers use.
const FILE_MODE: u32 = 0o666;
const DIR_MODE: u32 = 0o777;

/// An open directory: names below it are resolved without following symbolic links.
#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
    path: PathBuf,
}

/// Whether `name` is a temporary name of [`Dir::create_temp_file`] / [`Dir::create_temp_dir`], i.e. the
/// leftover of a run that did not finish.
pub fn is_leftover(name: &OsStr) -> bool {
    let bytes = name.as_bytes();
    let Some(stem) = bytes.strip_suffix(TEMP_SUFFIX.as_bytes()) else {
        return false;
    };
    // `.<base>.<16 hex>`
    stem.len() > 18
        && stem[0] == b'.'
        && stem[stem.len() - 17] == b'.'
        && stem[stem.len() - 16..]
            .iter()
            .all(|b| b.is_ascii_hexdigit())
}

fn temp_name(base: &OsStr) -> io::Result<Vec<u8>> {
    let random = getrandom::u64().map_err(|e| io::Error::other(format!("random name: {e}")))?;
    let mut name = Vec::with_capacity(base.len() + 30);
    name.push(b'.');
    name.extend_from_slice(base.as_bytes());
    name.extend_from_slice(format!(".{random:016x}{TEMP_SUFFIX}").as_bytes());
    Ok(name)
}

impl Dir {
    /// Opens the directory at `path`, following symbolic links in `path` itself: the path is the user's.
    pub fn open(path: &Path) -> io::Result<Dir> {
        let fd = rfs::open(
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(Dir {
            fd,
            path: path.to_path_buf(),
        })
    }

    /// Creates `path` and its missing parents (following links in it, as `mkdir -p` does), then opens it.
    pub fn create_all(path: &Path) -> io::Result<Dir> {
        std::fs::create_dir_all(path)?;
        Dir::open(path)
    }

    /// The path this directory was opened by (for messages).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The subdirectory `name` (one component), or `None` if nothing has that name. A symbolic link or a
    /// non-directory is an error: nothing below a handle is reached through a link.
    pub fn open_child(&self, name: &OsStr) -> io::Result<Option<Dir>> {
        match rfs::openat(
            &self.fd,
            name,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        ) {
            Ok(fd) => Ok(Some(Dir {
                fd,
                path: self.path.join(name),
            })),
            Err(rustix::io::Errno::NOENT) => Ok(None),
            Err(rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR) => {
                Err(io::Error::other(format!(
                    "{} is a symbolic link or not a directory; refusing to write through it",
                    self.path.join(name).display()
                )))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Creates the subdirectory `name`, which must not exist, and opens it.
    pub fn create_child(&self, name: &OsStr) -> io::Result<Dir> {
        rfs::mkdirat(&self.fd, name, Mode::from_raw_mode(DIR_MODE))?;
        self.open_child(name)?
            .ok_or_else(|| io::Error::other("directory vanished after mkdir"))
    }

    /// Creates a new, empty directory under a temporary name derived from `base`; returns it and its name.
    pub fn create_temp_dir(&self, base: &OsStr) -> io::Result<(Dir, Vec<u8>)> {
        loop {
            let name = temp_name(base)?;
            match rfs::mkdirat(
                &self.fd,
                OsStr::from_bytes(&name),
                Mode::from_raw_mode(DIR_MODE),
            ) {
                Ok(()) => {
                    let dir = self.open_child(OsStr::from_bytes(&name))?.ok_or_else(|| {
                        io::Error::other("temporary directory vanished after mkdir")
                    })?;
                    return Ok((dir, name));
                }
                Err(rustix::io::Errno::EXIST) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Creates the file `name` exclusively (never through a link, never over anything) with `content`.
    pub fn create_file(&self, name: &OsStr, content: &[u8]) -> io::Result<()> {
        self.create_file_with(name, content, None)
    }

    /// [`Dir::create_file`], with exactly the permission bits `mode` when given (not masked by the umask).
    fn create_file_with(&self, name: &OsStr, content: &[u8], mode: Option<u32>) -> io::Result<()> {
        let fd = rfs::openat(
            &self.fd,
            name,
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(FILE_MODE),
        )?;
        let written = match mode {
            Some(mode) => rfs::fchmod(&fd, Mode::from_raw_mode(mode)).map_err(io::Error::from),
            None => Ok(()),
        }
        .and_then(|()| std::fs::File::from(fd).write_all(content));
        written.inspect_err(|_| {
            let _ = rfs::unlinkat(&self.fd, name, AtFlags::empty());
        })
    }

    /// Writes `content` to a new file under a temporary name derived from `base`; returns the name. On a
    /// failed write the file is removed.
    pub fn create_temp_file(&self, base: &OsStr, content: &[u8]) -> io::Result<Vec<u8>> {
        self.create_temp_file_with(base, content, None)
    }

    /// [`Dir::create_temp_file`] with exactly the permission bits `mode` when given: a file that replaces
    /// another keeps its permissions (an executable script stays executable).
    pub fn create_temp_file_with(
        &self,
        base: &OsStr,
        content: &[u8],
        mode: Option<u32>,
    ) -> io::Result<Vec<u8>> {
        loop {
            let name = temp_name(base)?;
            match self.create_file_with(OsStr::from_bytes(&name), content, mode) {
                Ok(()) => return Ok(name),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The permission bits of the regular file `name` (`None` if it does not exist or is something else; a
    /// link is not followed).
    pub fn file_mode(&self, name: &OsStr) -> io::Result<Option<u32>> {
        match rfs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) if rfs::FileType::from_raw_mode(st.st_mode) == rfs::FileType::RegularFile => {
                Ok(Some(st.st_mode & 0o7777))
            }
            Ok(_) | Err(rustix::io::Errno::NOENT) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Replaces the file `name` with `content`, all or nothing, durably: a temporary file (with the old file's
    /// permissions) is written and synced, renamed over `name` (a link there is replaced, not followed), and
    /// the directory synced.
    pub fn replace_file(&self, name: &OsStr, content: &[u8]) -> io::Result<()> {
        let mode = self.file_mode(name)?;
        let temp = self.create_temp_file_with(name, content, mode)?;
        let temp = OsStr::from_bytes(&temp);
        let done = self
            .sync_file(temp)
            .and_then(|()| self.rename(temp, self, name));
        if done.is_err() {
            let _ = self.remove_file(temp);
        }
        done?;
        self.sync()
    }

    /// The content of the regular file `name`, or `None` if it does not exist or is not a regular file
    /// (a link is not followed).
    pub fn read_file(&self, name: &OsStr) -> io::Result<Option<Vec<u8>>> {
        match rfs::openat(
            &self.fd,
            name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK,
            Mode::empty(),
        ) {
            Ok(fd) => {
                let mut file = std::fs::File::from(fd);
                if !file.metadata()?.is_file() {
                    return Ok(None);
                }
                let mut content = Vec::new();
                io::Read::read_to_end(&mut file, &mut content)?;
                Ok(Some(content))
            }
            Err(rustix::io::Errno::NOENT | rustix::io::Errno::LOOP) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Renames `from` (in this directory) to `to` in `target`, replacing what `to` names (a link is replaced,
    /// never followed).
    pub fn rename(&self, from: &OsStr, target: &Dir, to: &OsStr) -> io::Result<()> {
        rfs::renameat(&self.fd, from, &target.fd, to).map_err(Into::into)
    }

    /// Renames `from` to `to` in `target` only if nothing has the name `to` (`AlreadyExists` otherwise).
    pub fn rename_new(&self, from: &OsStr, target: &Dir, to: &OsStr) -> io::Result<()> {
        rfs::renameat_with(&self.fd, from, &target.fd, to, RenameFlags::NOREPLACE)
            .map_err(Into::into)
    }

    /// Flushes the data of the file `name` (never through a link) to disk: for a few files, cheaper than
    /// [`Dir::sync_filesystem`].
    pub fn sync_file(&self, name: &OsStr) -> io::Result<()> {
        let fd = rfs::openat(
            &self.fd,
            name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        rfs::fsync(&fd).map_err(Into::into)
    }

    /// Removes the file (or link) `name`.
    pub fn remove_file(&self, name: &OsStr) -> io::Result<()> {
        rfs::unlinkat(&self.fd, name, AtFlags::empty()).map_err(Into::into)
    }

    /// Removes the directory `name` and everything below it, never following a link.
    pub fn remove_tree(&self, name: &OsStr) -> io::Result<()> {
        if let Some(child) = self.open_child(name)? {
            for entry in child.entries()? {
                let (entry, is_dir) = entry;
                if is_dir {
                    child.remove_tree(&entry)?;
                } else {
                    child.remove_file(&entry)?;
                }
            }
        }
        rfs::unlinkat(&self.fd, name, AtFlags::REMOVEDIR).map_err(Into::into)
    }

    /// The names in this directory (without `.` and `..`), each with whether it is a directory (not a link
    /// to one).
    pub fn entries(&self) -> io::Result<Vec<(std::ffi::OsString, bool)>> {
        let mut out = Vec::new();
        let mut dir = rfs::Dir::read_from(&self.fd)?;
        while let Some(entry) = dir.read() {
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            let is_dir = match entry.file_type() {
                rfs::FileType::Directory => true,
                rfs::FileType::Unknown => {
                    rfs::statat(&self.fd, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW).is_ok_and(
                        |st| rfs::FileType::from_raw_mode(st.st_mode) == rfs::FileType::Directory,
                    )
                }
                _ => false,
            };
            out.push((OsStr::from_bytes(name).to_os_string(), is_dir));
        }
        Ok(out)
    }

    /// Removes the leftovers of runs that did not finish ([`is_leftover`] names) in this directory and all
    /// directories below it (links are not followed); returns how many were removed.
    pub fn remove_leftovers(&self) -> io::Result<usize> {
        let mut removed = 0;
        for (name, is_dir) in self.entries()? {
            if is_leftover(&name) {
                if is_dir {
                    self.remove_tree(&name)?;
                } else {
                    self.remove_file(&name)?;
                }
                removed += 1;
            } else if is_dir {
                if let Some(child) = self.open_child(&name)? {
                    removed += child.remove_leftovers()?;
                }
            }
        }
        Ok(removed)
    }

    /// Flushes this directory's entries (names created, renamed or removed in it) to disk.
    pub fn sync(&self) -> io::Result<()> {
        rfs::fsync(&self.fd).map_err(Into::into)
    }

    /// Flushes everything written on this directory's file system to disk: one call instead of one `fsync`
    /// per file when thousands were written.
    pub fn sync_filesystem(&self) -> io::Result<()> {
        rfs::syncfs(&self.fd).map_err(Into::into)
    }

    /// Takes the advisory lock of this directory, waiting for another holder to release it; `on_wait` is
    /// called once before waiting. The lock is held until the returned guard is dropped.
    pub fn lock(&self, on_wait: impl FnOnce()) -> io::Result<DirLock> {
        if let Some(lock) = self.try_lock()? {
            return Ok(lock);
        }
        on_wait();
        let fd = self.fd.try_clone()?;
        rfs::flock(&fd, FlockOperation::LockExclusive)?;
        Ok(DirLock { fd })
    }

    /// Takes the advisory lock of this directory if nobody holds it (`None` if someone does).
    pub fn try_lock(&self) -> io::Result<Option<DirLock>> {
        self.try_flock(FlockOperation::NonBlockingLockExclusive)
    }

    /// Takes a shared advisory lock of this directory (for readers: any number of them, but no
    /// [`Dir::lock`] holder) if nobody holds the exclusive one (`None` if someone does).
    pub fn try_lock_shared(&self) -> io::Result<Option<DirLock>> {
        self.try_flock(FlockOperation::NonBlockingLockShared)
    }

    fn try_flock(&self, operation: FlockOperation) -> io::Result<Option<DirLock>> {
        let fd = self.fd.try_clone()?;
        match rfs::flock(&fd, operation) {
            Ok(()) => Ok(Some(DirLock { fd })),
            Err(rustix::io::Errno::WOULDBLOCK) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

impl AsFd for Dir {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// An advisory lock on a directory, released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct DirLock {
    fd: OwnedFd,
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = rfs::flock(&self.fd, FlockOperation::Unlock);
    }
}

#[cfg(test)]
mod tests;

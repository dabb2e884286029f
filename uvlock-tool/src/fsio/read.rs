//! Bounded reads: only regular files (a link to one is fine) of at most [`MAX_INPUT_BYTES`], opened so that a
//! FIFO cannot block the open and a device cannot feed bytes without end.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, InputKind, Result};

/// The largest `pyproject.toml` / `uv.lock` read. Real locks of large monorepos are a few MB.
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// Why a bounded read failed; displays as the reason alone (the caller names the file).
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    NotRegular(&'static str),
    TooLarge(u64),
    NotUtf8(usize),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotRegular(kind) => {
                write!(f, "is {kind}, not a regular file; refusing to read it")
            }
            ReadError::TooLarge(size) => write!(
                f,
                "is {size} bytes; uvlock-tool reads files of at most {} MiB",
                MAX_INPUT_BYTES >> 20
            ),
            ReadError::NotUtf8(at) => write!(f, "not valid UTF-8 (byte {at})"),
        }
    }
}

impl ReadError {
    /// Whether the file does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }

    /// `<label>: cannot read: <reason>`, or `<label>: <reason>` for what is not an I/O failure.
    pub(super) fn into_error(self, label: &str) -> Error {
        let message = match self {
            ReadError::Io(_) | ReadError::NotUtf8(_) => format!("{label}: cannot read: {self}"),
            _ => format!("{label}: {self}"),
        };
        Error::input(InputKind::Io, message)
    }
}

/// Whether a read follows a symbolic link at the last component: the user's files yes, our own files
/// (journal, temporary files) never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Links {
    Follow,
    Refuse,
}

fn open_nonblocking(path: &Path, links: Links) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. Reads of regular files ignore it.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NONBLOCK
            | match links {
                Links::Follow => 0,
                Links::Refuse => libc::O_NOFOLLOW,
            },
    );
    options.open(path)
}

fn kind_of(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// The bytes of the regular file at `path`, at most [`MAX_INPUT_BYTES`].
pub(super) fn read_bounded(path: &Path, links: Links) -> std::result::Result<Vec<u8>, ReadError> {
    let file = open_nonblocking(path, links).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(meta.file_type())));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    let read = bytes.len() as u64;
    if read > MAX_INPUT_BYTES {
        // grew while being read
        return Err(ReadError::TooLarge(read));
    }
    Ok(bytes)
}

/// The UTF-8 text of the regular file at `path`, at most [`MAX_INPUT_BYTES`].
pub fn read_text(path: &Path) -> std::result::Result<String, ReadError> {
    String::from_utf8(read_bounded(path, Links::Follow)?)
        .map_err(|e| ReadError::NotUtf8(e.utf8_error().valid_up_to()))
}

/// Reads a UTF-8 text file; errors name it by `label` (the path as the user gave it).
pub fn read(path: &Path, label: &str) -> Result<String> {
    read_text(path).map_err(|e| e.into_error(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn devices_fifos_directories_and_huge_files_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = |p: &Path| read(p, "x").expect_err("refused").to_string();
        assert!(
            err(Path::new("/dev/zero")).contains("x: is a character device, not a regular file")
        );
        assert!(err(dir.path()).contains("x: is a directory"));
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if made {
            assert!(err(&fifo).contains("x: is a FIFO"));
        }
        let huge = dir.path().join("huge");
        let f = std::fs::File::create(&huge).expect("create");
        f.set_len(MAX_INPUT_BYTES + 1).expect("sparse file");
        assert!(
            err(&huge).contains("x: is 67108865 bytes; uvlock-tool reads files of at most 64 MiB")
        );
        std::fs::write(&huge, b"ok\xff").expect("write");
        assert!(err(&huge).contains("x: cannot read: not valid UTF-8 (byte 2)"));
        std::fs::write(&huge, "fine").expect("write");
        assert_eq!(read(&huge, "x").expect("read"), "fine");
    }
}

#!/usr/bin/env python3
"""Records protoc 35.1's verdict on every case of the diagnostics corpus.

    target/reference-tools/venv/bin/python proto-compiler/tests/diagnostics/record.py [--check] [FILTER...]

Run it with the Python of the reference venv (grpcio-tools 1.85.1, i.e. protoc 35.1); the e2e test suite
provisions it (`cargo test -p e2e-tests --test plugin_harness` is enough). FILTER selects cases whose
`family/case` path contains it. With `--check` nothing is written: the fresh result is compared with the
committed one and every difference is listed (exit 1 if any).

A case is a directory `cases/<family>/<case>/` holding .proto files (any depth) and a `CASE` file:

    about: what the case exercises (one line)
    status: rejected | accepted
    expect: a substring that protoc's stderr must contain   (repeatable; at least one if rejected)
    cmdline: -Isub -I. a.proto b.proto                      (optional)
    descriptors: with imports                               (optional, accepted cases)

`cmdline` lists include directories (`-I<dir>`, relative to the case directory) and the files to compile
(names as seen from the include directories). `descriptors: with imports` records the imported files'
descriptors too (`--include_imports`): what protoc checks only in the files it is given (e.g. option targets)
can be exercised in an import that is then built and written. Without `cmdline`: `-I.` and every .proto file of the case, sorted
by byte order; with only files, `-I.`; with only include directories, every .proto file below the first.

protoc is run exactly like this, from the crate directory (`proto-compiler/`), so that the paths it prints are
the relative disk paths of the files (`tests/diagnostics/cases/<family>/<case>/a.proto:3:5: ...`):

    python -m grpc_tools.protoc -I<case>/<dir>... --descriptor_set_out=<tmp>/set.pb \
        --include_source_info --retain_options <files>

grpc_tools.protoc appends its bundled include directory (`grpc_tools/_proto`: protoc 35.1's well-known types)
as the last `-I`. Only a descriptor set is written: the corpus is about the compiler, and code generators add
verdicts and lines of their own. With `--python_out --pyi_out --grpc_python_out` instead, a file listed twice
fails (`a_pb2.py: Tried to write the same file twice.`), and every descriptor-level warning is logged again,
once per generator, as an absl line (`W0000 00:00:<time> <thread> descriptor.cc:5286] a.proto M: <warning>`)
because each generator rebuilds the files in a pool without an error collector.

What is written into the case directory:

* `expected`: `exit: <code>` on the first line, then protoc's stderr verbatim (bytes that are not UTF-8
  included), except that the time stamp and
  thread id of absl log lines (`W0000 00:00:1796670968.441731   20063 parser.cc:659] ...`) are replaced by
  `<time>` and `<thread>` (`W0000 00:00:<time> <thread> parser.cc:659] ...`), and that consecutive
  `warning: Import X is unused.` lines are sorted: protoc prints a file's unused imports in the iteration
  order of a hash set of pointers, which differs from run to run (five unused imports came out in six
  different orders in 30 runs).
* accepted cases only: `expected.pb`, the FileDescriptorSet of that run (the listed files in protoc's order,
  their imports before them with `descriptors: with imports`; each file's `CopyTo` + `CopySourceCodeInfoTo`
  + `CopyJsonNameTo`, source-retention options kept), and
  `expected.files`, the names of every file protoc built, imports included, in the order of a plugin request
  (a second run with `--include_imports`), one per line.

Every case must meet its CASE file (status, each `expect`), so that a case cannot silently stop exercising
what it was written for.
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
CRATE = HERE.parent.parent
ABSL_LOG = re.compile(r"^([IWEF]\d{4} \d\d:\d\d:)\d+\.\d+ +\d+ ", re.MULTILINE)


UNUSED_IMPORT = re.compile(r": warning: Import .* is unused\.$")


def normalize(stderr: str) -> str:
    """absl time stamps and thread ids replaced; each run of consecutive unused-import warnings sorted, because
    protoc prints them in the order of a pointer hash set, which changes from run to run."""
    lines = ABSL_LOG.sub(r"\1<time> <thread> ", stderr).split("\n")
    out, run = [], []
    for line in lines:
        if UNUSED_IMPORT.search(line):
            run.append(line)
            continue
        out.extend(sorted(run))
        run = []
        out.append(line)
    out.extend(sorted(run))
    return "\n".join(out)


class Case:
    def __init__(self, dir: Path):
        self.dir = dir
        self.name = dir.relative_to(CASES).as_posix()
        self.about = ""
        self.status = None
        self.expects = []
        self.with_imports = False
        includes, files = [], []
        for n, line in enumerate((dir / "CASE").read_text().splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            key, sep, value = line.partition(":")
            value = value.strip()
            if not sep:
                raise SystemExit(f"{self.name}/CASE:{n}: expected 'key: value'")
            if key == "about":
                self.about = value
            elif key == "status":
                if value not in ("accepted", "rejected"):
                    raise SystemExit(f"{self.name}/CASE:{n}: status is accepted or rejected")
                self.status = value
            elif key == "expect":
                self.expects.append(value)
            elif key == "descriptors":
                if value != "with imports":
                    raise SystemExit(f"{self.name}/CASE:{n}: descriptors is 'with imports'")
                self.with_imports = True
            elif key == "cmdline":
                for arg in value.split():
                    (includes if arg.startswith("-I") else files).append(arg)
            else:
                raise SystemExit(f"{self.name}/CASE:{n}: unknown key {key!r}")
        if self.status is None or not self.about:
            raise SystemExit(f"{self.name}/CASE: 'about' and 'status' are required")
        if self.status == "rejected" and not self.expects:
            raise SystemExit(f"{self.name}/CASE: a rejected case needs at least one 'expect'")
        self.includes = [i[2:] for i in includes] or ["."]
        if not files:
            root = dir / self.includes[0]
            files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.proto"))
        self.files = files

    def args(self, out: Path, *extra: str):
        rel = self.dir.relative_to(CRATE)
        includes = [f"-I{os.path.normpath(rel / i)}" for i in self.includes]
        return includes + [f"--descriptor_set_out={out / 'set.pb'}", *extra] + self.files


def protoc(case: Case, out: Path, *extra: str):
    return subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", *case.args(out, *extra)],
        cwd=CRATE,
        capture_output=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def run(case: Case):
    """(expected, expected.pb bytes or None, expected.files text or None)"""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        extra = ["--include_imports"] if case.with_imports else []
        proc = protoc(case, out, "--include_source_info", "--retain_options", *extra)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{case.name}: protoc crashed ({proc.returncode}); such inputs do not belong here")
        if proc.stdout:
            raise SystemExit(f"{case.name}: protoc wrote to stdout: {proc.stdout!r}")
        # protoc's stderr holds raw bytes where a name or string is not UTF-8: keep them as they are
        stderr = normalize(proc.stderr.decode("utf-8", "surrogateescape"))
        expected = f"exit: {proc.returncode}\n{stderr}"
        if proc.returncode != 0:
            return expected, None, None
        descriptors = (out / "set.pb").read_bytes()
        if protoc(case, out, "--include_imports").returncode != 0:
            raise SystemExit(f"{case.name}: protoc fails with --include_imports")
        names = "".join(f"{name}\n" for name in file_names((out / "set.pb").read_bytes()))
        return expected, descriptors, names


def file_names(descriptor_set: bytes) -> list:
    """The `name` (field 1) of every FileDescriptorProto (field 1) of a FileDescriptorSet."""
    from google.protobuf import descriptor_pb2

    return [f.name for f in descriptor_pb2.FileDescriptorSet.FromString(descriptor_set).file]


def problems(case: Case, expected: str, descriptors) -> list:
    found = []
    accepted = descriptors is not None
    if accepted != (case.status == "accepted"):
        found.append(f"protoc {'accepts' if accepted else 'rejects'} it, CASE says {case.status}")
    for e in case.expects:
        if e not in expected:
            found.append(f"stderr lacks {e!r}")
    return found


def main(argv):
    check = "--check" in argv
    filters = [a for a in argv if a != "--check"]
    dirs = sorted(p.parent for p in CASES.rglob("CASE"))
    failed = 0
    for dir in dirs:
        case = Case(dir)
        if filters and not any(f in case.name for f in filters):
            continue
        expected, descriptors, names = run(case)
        issues = problems(case, expected, descriptors)
        outputs = {"expected": expected, "expected.pb": descriptors, "expected.files": names}
        for file, fresh in outputs.items():
            path = dir / file
            if check:
                old = path.read_bytes() if path.exists() else None
                if old != (fresh.encode("utf-8", "surrogateescape") if isinstance(fresh, str) else fresh):
                    issues.append(f"{file} differs from the committed file")
            elif fresh is None:
                path.unlink(missing_ok=True)
            elif isinstance(fresh, str):
                path.write_bytes(fresh.encode("utf-8", "surrogateescape"))
            else:
                path.write_bytes(fresh)
        for issue in issues:
            print(f"{case.name}: {issue}")
            if not issue.startswith("expected"):
                shown = expected.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                print("    " + shown.replace("\n", "\n    "))
        failed += bool(issues)
    total = len(dirs)
    print(f"{total} cases, {failed} with problems", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

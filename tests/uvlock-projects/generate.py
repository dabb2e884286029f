#!/usr/bin/env python3
"""Regenerates the uvlock-tool differential fixtures from real `uv lock` runs (uv 0.13.9, online against PyPI).

For every case of cases.toml (a real project's pyproject in `<case>/service/pyproject.toml`, one of its real
dependencies as the SDK) this lays out a monorepo

    packages/<sdk>/          the SDK's sdist from PyPI, unpacked (the version the registry lock pins)
    services/app/            the project: pyproject.toml + uv.lock

and records what uv writes:

    registry.uv.lock.gz      `uv lock` of the project as published, gzipped (with `lock = "committed"`: the
                             project's own uv.lock from the same commit, committed by hand, not regenerated)
    sdk/pyproject.toml       the SDK's pyproject.toml (all the tool reads of the SDK; setup.py/setup.cfg for an
                             SDK without one)
    editable.pyproject.toml  the project with `[tool.uv.sources] <sdk> = { path = ..., editable = true }`
    editable.uv.lock.diff    `uv lock` starting from the registry lock with that pyproject (as a unified diff
                             against the registry lock: the locks are large and differ in a few lines)
    directory.*              the same with `{ path = ... }`
    reverse.uv.lock.diff     `uv lock` starting from the editable lock with the registry pyproject
    case.toml                what the test needs (SDK name and version, environment, uv's exit codes, whether
                             `uv lock --locked --offline` accepts uv's own output with an empty cache)

Usage: generate.py [--uv PATH] [--only NAME ...] [--git URL=DIR ...]
  --uv     uv 0.13.9 (default: target/reference-tools/venv/bin/uv, provisioned by the e2e tests)
  --git    fetch a git repository from a local clone instead (git `insteadOf`), for machines without GitHub access
Work directories go to target/uvlock-projects-gen/ (kept for inspection); the uv cache to target/uvlock-projects-cache.
"""

import argparse
import difflib
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import urllib.request
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
UV_VERSION = "0.13.9"
SERVICE = "services/app"


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def run(cmd, cwd, env, check=True):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} in {cwd} failed ({p.returncode}):\n{p.stdout}{p.stderr}")
    return p


def with_source(text, key, inline):
    """The pyproject with `key = inline` in [tool.uv.sources]: appended after the table's last entry, or a new
    table after the file's last line that is not blank or a comment (uvlock-tool's documented placement)."""
    lines = text.splitlines(keepends=True)
    header = next((i for i, l in enumerate(lines) if l.strip() == "[tool.uv.sources]"), None)
    entry = f"{key} = {inline}\n"
    if header is None:
        # After the last line that is not blank or a comment (trailing comments stay last).
        at = pos = 0
        for line in lines:
            pos += len(line)
            if line.strip() and not line.strip().startswith("#"):
                at = pos
        table = "\n[tool.uv.sources]\n" + entry
        if at and not text[:at].endswith("\n"):  # a file without a final newline keeps having none
            table = "\n" + table[:-1]
        return text[:at] + table + text[at:]
    end = next((i for i in range(header + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    last = header
    for i in range(header + 1, end):
        s = lines[i].strip()
        if s and not s.startswith("#"):
            last = i
    lines.insert(last + 1, entry)
    return "".join(lines)


def placeholders(pyproject, root):
    """Creates the files a build backend reads to compute the project's metadata (uv builds a project whose
    version is dynamic) when missing: the readme, license files, a version file, a git repository for VCS
    versions. The lock does not depend on their content."""
    doc = tomllib.loads(pyproject)
    project = doc.get("project", {})
    tool = doc.get("tool", {})
    files = []
    readme = project.get("readme")
    if isinstance(readme, str):
        files.append((readme, ""))
    elif isinstance(readme, dict) and "file" in readme:
        files.append((readme["file"], ""))
    lic = project.get("license")
    if isinstance(lic, dict) and "file" in lic:
        files.append((lic["file"], ""))
    for pattern in project.get("license-files", []) if isinstance(project.get("license-files"), list) else []:
        files.append((pattern.replace("*", ""), ""))
    version_files = [
        tool.get("hatch", {}).get("version", {}).get("path"),
        tool.get("pdm", {}).get("version", {}).get("path"),
    ]
    fancy = tool.get("hatch", {}).get("metadata", {}).get("hooks", {}).get("fancy-pypi-readme", {})
    fragments = {}
    for fragment in fancy.get("fragments", []):
        if "path" in fragment:
            # Text each fragment's markers and pattern can find (the start matches the usual changelog patterns).
            markers = fragments.setdefault(fragment["path"], ["v1\nv0\n\n### a\n## b\n", "", ""])
            markers[1] += fragment.get("end-before", "") and fragment["end-before"] + "\n"
            markers[2] += fragment.get("start-after", "") and fragment["start-after"] + "x\n"
    files += [(path, "".join(m)) for path, m in fragments.items()]
    for path in filter(None, version_files):
        files.append((path, '__version__ = "0.0.0"\n'))
    for path, content in files:
        full = os.path.join(root, path)
        if not os.path.exists(full):
            write(full, content)
    if not os.path.exists(os.path.join(root, ".git")):
        git = ["git", "-c", "user.name=gen", "-c", "user.email=gen@localhost"]
        subprocess.run(git + ["init", "-q"], cwd=root, check=True)
        subprocess.run(git + ["add", "-A"], cwd=root, check=True)
        subprocess.run(git + ["commit", "-qm", "fixture", "--allow-empty"], cwd=root, check=True)


def sdist_url(name, version):
    req = urllib.request.Request(
        f"https://pypi.org/simple/{normalize(name)}/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    files = json.load(urllib.request.urlopen(req))["files"]
    stem = normalize(f"{name}-{version}")
    for f in files:
        fn = f["filename"]
        for ext in (".tar.gz", ".zip"):
            if fn.endswith(ext) and normalize(fn[: -len(ext)]) == stem:
                return f["url"], fn
    sys.exit(f"no sdist of {name} {version} on PyPI")


def unpack_sdist(name, version, dest):
    url, fn = sdist_url(name, version)
    data = urllib.request.urlopen(url).read()
    tmp = dest + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    if fn.endswith(".zip"):
        zipfile.ZipFile(io.BytesIO(data)).extractall(tmp)
    else:
        tarfile.open(fileobj=io.BytesIO(data)).extractall(tmp, filter="data")
    (top,) = os.listdir(tmp)
    shutil.rmtree(dest, ignore_errors=True)
    os.rename(os.path.join(tmp, top), dest)
    os.rmdir(tmp)
    return url


def locked_versions(lock_text, name):
    lock = tomllib.loads(lock_text)
    return [p.get("version") for p in lock.get("package", []) if p["name"] == normalize(name)]


def to_toml(meta):
    """case.toml: string/integer/boolean keys, then one table per dict."""

    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        return json.dumps(v)

    flat = [f"{k} = {value(v)}\n" for k, v in meta.items() if not isinstance(v, dict)]
    tables = [
        f"\n[{k}]\n" + "".join(f"{kk} = {value(vv)}\n" for kk, vv in v.items())
        for k, v in meta.items()
        if isinstance(v, dict)
    ]
    return "# Generated by generate.py; do not edit.\n" + "".join(flat + tables)


def diff(old, new, old_name, new_name):
    """A unified diff (3 lines of context) that `apply` turns back into `new`."""
    assert old.endswith("\n") and new.endswith("\n")
    text = "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), old_name, new_name))
    assert apply(old, text) == new
    return text


def apply(old, patch):
    """Applies a unified diff strictly (every context and removed line must match); mirrors the test's applier."""
    lines = old.splitlines(True)
    out, pos = [], 0
    body = patch.splitlines(True)[2:]
    i = 0
    while i < len(body):
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", body[i])
        assert m, body[i]
        start = int(m.group(1)) - (0 if m.group(2) == "0" else 1)
        out += lines[pos:start]
        pos = start
        i += 1
        while i < len(body) and not body[i].startswith("@@"):
            tag, text = body[i][0], body[i][1:]
            if tag in " -":
                assert lines[pos] == text, (pos, lines[pos], text)
                pos += 1
            if tag in " +":
                out.append(text)
            i += 1
    return "".join(out + lines[pos:])


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write(text)


def read(path):
    with open(path, newline="") as f:
        return f.read()


def uv_lock(uv, svc, env, pyproject, start_lock):
    """`uv lock` (online) from the given state; returns (exit code, lock text or None, stderr)."""
    write(os.path.join(svc, "pyproject.toml"), pyproject)
    if start_lock:
        write(os.path.join(svc, "uv.lock"), start_lock)
    elif os.path.exists(os.path.join(svc, "uv.lock")):
        os.remove(os.path.join(svc, "uv.lock"))
    p = run([uv, "lock"], svc, env, check=False)
    lock = read(os.path.join(svc, "uv.lock")) if p.returncode == 0 else None
    return p.returncode, lock, p.stderr


def locked_offline(uv, svc, env, pyproject, lock, work):
    """Does `uv lock --locked --offline` accept this state with an empty cache?"""
    write(os.path.join(svc, "pyproject.toml"), pyproject)
    write(os.path.join(svc, "uv.lock"), lock)
    cache = os.path.join(work, "empty-cache")
    shutil.rmtree(cache, ignore_errors=True)
    p = run([uv, "lock", "--locked", "--offline"], svc, dict(env, UV_CACHE_DIR=cache), check=False)
    shutil.rmtree(cache, ignore_errors=True)
    return p.returncode == 0, p.stderr.strip().splitlines()[-1:] if p.returncode else []


FORMS = [
    ("editable", '{{ path = "{rel}", editable = true }}'),
    ("directory", '{{ path = "{rel}" }}'),
]


def write_pyprojects(case):
    out = os.path.join(HERE, case["name"])
    registry_py = read(os.path.join(out, "service", "pyproject.toml"))
    sdk = normalize(case["sdk"])
    for form, inline in FORMS:
        py = with_source(registry_py, sdk, inline.format(rel=f"../../packages/{sdk}"))
        write(os.path.join(out, f"{form}.pyproject.toml"), py)


def generate(case, args, base_env):
    name = case["name"]
    out = os.path.join(HERE, name)
    for f in os.listdir(out):
        if f.endswith((".gz", ".diff", ".pyproject.toml", "case.toml", ".json")) and not (
            f == "registry.uv.lock.gz" and case.get("lock") == "committed"
        ):
            os.remove(os.path.join(out, f))
    work = os.path.join(REPO, "target", "uvlock-projects-gen", name)
    shutil.rmtree(work, ignore_errors=True)
    svc = os.path.join(work, SERVICE)
    os.makedirs(svc)
    env = dict(base_env)
    if "exclude-newer" in case:
        env["UV_EXCLUDE_NEWER"] = case["exclude-newer"]
    registry_py = read(os.path.join(out, "service", "pyproject.toml"))
    write(os.path.join(svc, "pyproject.toml"), registry_py)
    placeholders(registry_py, svc)

    if case.get("lock") == "committed":
        with open(os.path.join(out, "registry.uv.lock.gz"), "rb") as f:
            registry_lock = gzip.decompress(f.read()).decode()
    else:
        code, registry_lock, err = uv_lock(args.uv, svc, env, registry_py, "")
        if code != 0:
            print(f"{name}: uv lock of the registry form failed, case skipped:\n{err}")
            return
        with open(os.path.join(out, "registry.uv.lock.gz"), "wb") as f:
            f.write(gzip.compress(registry_lock.encode(), 9, mtime=0))

    sdk = normalize(case["sdk"])
    versions = [case["sdk-version"]] if "sdk-version" in case else locked_versions(registry_lock, sdk)
    if len(versions) != 1 or versions[0] is None:
        sys.exit(f"{name}: {sdk} is locked as {versions}; set sdk-version")
    version = versions[0]
    sdk_dir = os.path.join(work, "packages", sdk)
    url = unpack_sdist(sdk, version, sdk_dir)
    # All the tool reads of the SDK: its pyproject.toml, or the setup.py/setup.cfg of a package without one.
    shutil.rmtree(os.path.join(out, "sdk"), ignore_errors=True)
    for f in ("pyproject.toml", "setup.py", "setup.cfg"):
        if os.path.exists(os.path.join(sdk_dir, f)) and (f == "pyproject.toml" or not os.path.exists(os.path.join(sdk_dir, "pyproject.toml"))):
            write(os.path.join(out, "sdk", f), read(os.path.join(sdk_dir, f)))

    rel = f"../../packages/{sdk}"
    states = {"registry": (registry_py, registry_lock)}
    result = {"uv": {}}
    for form, inline in FORMS:
        py = with_source(registry_py, sdk, inline.format(rel=rel))
        code, lock, err = uv_lock(args.uv, svc, env, py, registry_lock)
        result["uv"][form] = code
        write(os.path.join(out, f"{form}.pyproject.toml"), py)
        if lock is not None:
            write(os.path.join(out, f"{form}.uv.lock.diff"), diff(registry_lock, lock, "registry.uv.lock", f"{form}.uv.lock"))
            states[form] = (py, lock)
        else:
            print(f"  {name}: uv fails for {form}: {err.strip().splitlines()[-1:]}")
    if "editable" in states:
        code, lock, err = uv_lock(args.uv, svc, env, registry_py, states["editable"][1])
        result["uv"]["reverse"] = code
        if lock is not None:
            write(os.path.join(out, "reverse.uv.lock.diff"), diff(registry_lock, lock, "registry.uv.lock", "reverse.uv.lock"))
            states["reverse"] = (registry_py, lock)
    result["locked-offline"] = {}
    for form, (py, lock) in states.items():
        ok, why = locked_offline(args.uv, svc, env, py, lock, work)
        result["locked-offline"][form] = ok
        if not ok:
            result.setdefault("locked-offline-why", {})[form] = " ".join(why)
    meta = {
        "name": name,
        "project": case["project"],
        "commit": case["commit"],
        "path": case["path"],
        "sdk": sdk,
        "sdk-version": version,
        "sdk-sdist": url,
        "service": SERVICE,
        "sdk-path": f"packages/{sdk}",
        "env": {k: v for k, v in env.items() if k == "UV_EXCLUDE_NEWER"},
        "lock": case.get("lock", "uv"),
        **result,
    }
    write(os.path.join(out, "case.toml"), to_toml(meta))
    print(f"{name}: {sdk} {version}; uv {result['uv']}; locked-offline {result['locked-offline']}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--uv", default=os.path.join(REPO, "target/reference-tools/venv/bin/uv"))
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--skip", nargs="*")
    ap.add_argument("--git", action="append", default=[], help="URL=DIR")
    ap.add_argument(
        "--pyprojects",
        action="store_true",
        help="only rewrite the <form>.pyproject.toml files (they do not depend on uv)",
    )
    args = ap.parse_args()
    version = subprocess.run([args.uv, "--version"], capture_output=True, text=True).stdout.split()
    if version[1:2] != [UV_VERSION]:
        sys.exit(f"{args.uv} is uv {version}, expected {UV_VERSION}")
    gen = os.path.join(REPO, "target", "uvlock-projects-gen")
    os.makedirs(gen, exist_ok=True)
    gitconfig = os.path.join(gen, "gitconfig")
    with open(gitconfig, "w") as f:
        f.write("[safe]\n\tdirectory = *\n")
        for spec in args.git:
            url, _, path = spec.partition("=")
            f.write(f'[url "file://{os.path.abspath(path)}"]\n\tinsteadOf = {url}\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_") and k != "VIRTUAL_ENV"}
    env.update(
        UV_CACHE_DIR=os.path.join(REPO, "target", "uvlock-projects-cache"),
        UV_PYTHON=os.path.join(os.path.dirname(args.uv), "python"),
        UV_PYTHON_DOWNLOADS="never",
        XDG_CONFIG_HOME=os.path.join(gen, "empty-config"),
        GIT_CONFIG_GLOBAL=gitconfig,
    )
    cases = tomllib.load(open(os.path.join(HERE, "cases.toml"), "rb"))["case"]
    skip = set(args.skip or [])
    for case in cases:
        if (args.only and case["name"] not in args.only) or case["name"] in skip:
            continue
        if args.pyprojects:
            write_pyprojects(case)
        else:
            generate(case, args, env)


if __name__ == "__main__":
    main()

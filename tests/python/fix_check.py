"""CPython's verdict on `protoc-gen-ameide-py imports --fix`, for the golden and property tests.

Usage: python fix_check.py LISTFILE ROOT=PREFIX [ROOT=PREFIX ...]

LISTFILE holds one case per line: `BEFORE<TAB>AFTER<TAB>FOUND<TAB>NOT_FIXABLE` — a source, the same source after
`--fix`, and how many imports without their prefix the tool reported and how many of those it left as they were.
ROOT is a module root (`ameide_core_proto`), PREFIX its Python prefix (`ameide_sdk.proto`).

For each case, independently of the tool:
* both files compile (CPython's parser accepts the fixed file);
* the fixed file's tokens (CPython's tokenize, kind and text) are the source's, with only `PREFIX .` token
  sequences inserted, FOUND - NOT_FIXABLE of them;
* the ASTs are the same once every import's module path is stripped of a prefix, and CPython's AST counts
  FOUND absolute imports lacking their prefix in the source, NOT_FIXABLE in the fixed file.
Prints one line per failing case and exits 1 if any; prints `N cases ok` otherwise.
"""

import ast
import io
import sys
import tokenize

MAPPINGS = [arg.split("=", 1) for arg in sys.argv[2:]]
RUNTIME = "google.protobuf"


def within(module, package):
    return module == package or module.startswith(package + ".")


def lacks_prefix(module):
    if within(module, RUNTIME):
        return False
    if any(within(module, f"{prefix}.{root}") for root, prefix in MAPPINGS):
        return False
    return any(within(module, root) for root, _ in MAPPINGS)


def strip_prefix(module):
    for root, prefix in MAPPINGS:
        if within(module, f"{prefix}.{root}"):
            return module[len(prefix) + 1 :]
    return module


def bare_imports(tree):
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            count += sum(lacks_prefix(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            count += lacks_prefix(node.module)
    return count


def normalized(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                alias.name = strip_prefix(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module:
            node.module = strip_prefix(node.module)
    return ast.dump(tree)


def tokens(data):
    skip = {tokenize.ENCODING, tokenize.INDENT, tokenize.DEDENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER}
    return [(t.type, t.string) for t in tokenize.tokenize(io.BytesIO(data).readline) if t.type not in skip]


def prefix_tokens(prefix):
    out = []
    for part in prefix.split("."):
        out += [(tokenize.NAME, part), (tokenize.OP, ".")]
    return out


def insertions(before, after):
    """How many prefix sequences `after` has beyond `before`, or an error text."""
    prefixes = [prefix_tokens(prefix) for _, prefix in MAPPINGS]
    i = j = count = 0
    while j < len(after):
        if i < len(before) and after[j] == before[i]:
            i += 1
            j += 1
            continue
        match = next((p for p in prefixes if after[j : j + len(p)] == p), None)
        if match is None or i >= len(before) or before[i][0] != tokenize.NAME:
            return f"token {j} of the fixed file {after[j]!r} is neither the source's {before[i] if i < len(before) else None!r} nor an inserted prefix"
        count += 1
        j += len(match)
    if i != len(before):
        return f"the fixed file lacks the source's tokens from {before[i]!r} on"
    return count


def check(before_path, after_path, found, not_fixable):
    with open(before_path, "rb") as f:
        before = f.read()
    with open(after_path, "rb") as f:
        after = f.read()
    try:
        before_tree = ast.parse(before, before_path)
    except SyntaxError as e:
        return f"the source does not compile: {e}"
    try:
        after_tree = ast.parse(after, after_path)
    except SyntaxError as e:
        return f"the fixed file does not compile: {e}"
    inserted = insertions(tokens(before), tokens(after))
    if isinstance(inserted, str):
        return inserted
    if inserted != found - not_fixable:
        return f"{inserted} prefixes inserted, the tool reported {found - not_fixable} fixes"
    if bare_imports(before_tree) != found:
        return f"CPython counts {bare_imports(before_tree)} imports without their prefix, the tool {found}"
    if bare_imports(after_tree) != not_fixable:
        return f"CPython counts {bare_imports(after_tree)} left after the fix, the tool {not_fixable} not fixable"
    if normalized(ast.parse(before)) != normalized(ast.parse(after)):
        return "the ASTs differ in more than the import prefixes"
    return None


def main():
    failures = 0
    cases = [line.split("\t") for line in open(sys.argv[1], encoding="utf-8").read().splitlines() if line]
    for before, after, found, not_fixable in cases:
        problem = check(before, after, int(found), int(not_fixable))
        if problem:
            failures += 1
            print(f"{before}: {problem}")
    if failures:
        sys.exit(1)
    print(f"{len(cases)} cases ok")


main()

"""CPython's view of Python sources, for the differential tests of py-imports' tokenizer.

Usage: python py_tokens.py LISTFILE   (LISTFILE: one source path per line)

For each source, in order, prints `F <index> <status>`, then (status `ok`: CPython compiles it) one line per
token, `<kind> <start> <end>` with byte offsets into the file as stored (a UTF-8 BOM and the coding cookie's
encoding accounted for), kind one of N(ame) U(number) S(tring) O(p) C(omment) L(NEWLINE) l(NL). INDENT, DEDENT,
ENCODING and ENDMARKER are left out. Status `invalid` (CPython does not compile it: a syntax error, a null
byte, an undecodable byte) lists no tokens.
"""

import io
import sys
import tokenize
import warnings

KINDS = {
    tokenize.NAME: "N",
    tokenize.NUMBER: "U",
    tokenize.STRING: "S",
    tokenize.OP: "O",
    tokenize.COMMENT: "C",
    tokenize.NEWLINE: "L",
    tokenize.NL: "l",
}
SKIP = {tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER}


def tokens(data):
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    text = data[bom:].decode("utf-8" if encoding == "utf-8-sig" else encoding)
    enc = "utf-8" if encoding == "utf-8-sig" else encoding
    # tokenize's rows are the lines split at \n (sources with a lone \r are not compared)
    pieces = text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]] + [pieces[-1]]
    starts = [bom]
    for line in lines:
        starts.append(starts[-1] + len(line.encode(enc)))

    def offset(row, col):
        if row - 1 >= len(lines):
            return starts[-1]
        return starts[row - 1] + len(lines[row - 1][:col].encode(enc))

    out = []
    for tok in tokenize.tokenize(io.BytesIO(data).readline):
        if tok.type in SKIP:
            continue
        if tok.type == tokenize.OP or tok.type in KINDS:
            kind = KINDS.get(tok.type, "O")
        else:
            raise ValueError(f"unexpected token {tokenize.tok_name[tok.type]} {tok.string!r}")
        out.append(f"{kind} {offset(*tok.start)} {offset(*tok.end)}")
    return out


def main():
    paths = open(sys.argv[1], encoding="utf-8").read().splitlines()
    write = sys.stdout.write
    warnings.simplefilter("ignore")
    for index, path in enumerate(paths):
        with open(path, "rb") as f:
            data = f.read()
        try:
            compile(data, path, "exec", dont_inherit=True)
            listed = tokens(data)
        except (SyntaxError, ValueError, UnicodeDecodeError, tokenize.TokenError):
            write(f"F {index} invalid\n")
            continue
        write(f"F {index} ok\n")
        write("\n".join(listed))
        if listed:
            write("\n")


main()

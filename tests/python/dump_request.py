#!/usr/bin/env python3
"""protoc/buf plugin that saves the raw CodeGeneratorRequest bytes and generates nothing.

The parameter names the file to write: `path=<file>` (or just `<file>`); a relative path is taken from
the plugin's working directory (protoc and buf pass on their own). It answers with an empty
CodeGeneratorResponse that advertises proto3 `optional` and editions 2023..2024 (like the python
generators), so that protoc and buf accept every corpus file and send what they would send to us.

protoc: --plugin=protoc-gen-dump=tests/python/dump_request.py --dump_out=DIR --dump_opt=path=req.bin
buf:    plugins: [{local: tests/python/dump_request.py, out: DIR, opt: path=req.bin, strategy: all}]
Needs the `protobuf` package only for the response (written by hand below if it is missing).
"""
import sys


def main() -> int:
    data = sys.stdin.buffer.read()
    # The parameter is field 2 of CodeGeneratorRequest; read it at wire level so that nothing is
    # re-encoded and no protobuf runtime is needed.
    param = _string_field(data, 2) or ""
    path = param[len("path="):] if param.startswith("path=") else param
    if not path:
        sys.stderr.write("dump_request.py: no output path given as parameter\n")
        return 1
    with open(path, "wb") as f:
        f.write(data)
    # CodeGeneratorResponse: supported_features (2) = 3, minimum_edition (3) = 998 (PROTO2),
    # maximum_edition (4) = 1001 (2024).
    sys.stdout.buffer.write(bytes([0x10, 0x03, 0x18]) + _varint(998) + bytes([0x20]) + _varint(1001))
    return 0


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _read_varint(buf: bytes, i: int):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def _string_field(buf: bytes, number: int):
    i, found = 0, None
    while i < len(buf):
        key, i = _read_varint(buf, i)
        wire = key & 7
        if wire == 0:
            _, i = _read_varint(buf, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            n, i = _read_varint(buf, i)
            if key >> 3 == number:
                found = buf[i:i + n].decode("utf-8")
            i += n
        else:
            raise ValueError("unexpected wire type %d" % wire)
    return found


if __name__ == "__main__":
    sys.exit(main())

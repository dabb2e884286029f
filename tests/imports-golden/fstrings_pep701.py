# python: 3.12 (PEP 701 f-strings; Python 3.11 rejects this file)
names = ["a", "b"]
JOINED = f"{", ".join(names)}"
NESTED = f"{f"{f"{names[0]}"}"}"
MULTILINE = f"{
    len(names)  # a comment inside a field, with a quote: "
}"
SPEC = f"{3.14159:{"."}{2}f}"
from ameide_core_proto.inference.v1 import inference_pb2
TEMPLATE = f'{'from ameide_core_proto.common.v1 import common_pb2'}'

print(JOINED, NESTED, MULTILINE, SPEC, inference_pb2, TEMPLATE)

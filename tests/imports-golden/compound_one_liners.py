import sys

if sys.version_info >= (3, 10): from ameide_core_proto.inference.v1 import inference_pb2
else: import ameide_core_proto.inference.v1.inference_pb2 as inference_pb2
try: import ameide_core_proto.common.v1.common_pb2 as common_pb2
except ImportError: common_pb2 = None
with open(__file__) as f: from ameide_core_proto.validate.v1 import validate_pb2
class Holder: from ameide_core_proto.inference.v1 import inference_pb2_grpc as grpc_stubs
for _ in range(1): from ameide_core_proto.common.v1 import common_pb2_grpc
while False: import ameide_core_proto.validate.v1.validate_pb2_grpc as vg
match sys.platform:
    case "linux": from ameide_core_proto.inference import v1
    case _: v1 = None

print(inference_pb2, common_pb2, validate_pb2, Holder, f, v1)

from ameide_core_proto \
    .inference.v1 import inference_pb2
from ameide_core_proto.common.v1 \
    import common_pb2
import ameide_core_proto.validate \
    .v1.validate_pb2 as validate_pb2, \
    os
x = [1,
     2]; from ameide_core_proto.inference.v1 import inference_pb2_grpc

print(inference_pb2, common_pb2, validate_pb2, os, x, inference_pb2_grpc)

import ameide_core_proto.inference.v1.inference_pb2 as inference_pb2
import os, ameide_core_proto.common.v1.common_pb2 as common_pb2, sys
import ameide_core_proto.validate.v1.validate_pb2 as v, ameide_core_proto.inference.v1.inference_pb2_grpc as g

print(os, sys, inference_pb2, common_pb2, v, g)

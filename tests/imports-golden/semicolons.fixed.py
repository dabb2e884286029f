import os; from ameide_sdk.proto.ameide_core_proto.inference.v1 import inference_pb2; import ameide_sdk.proto.ameide_core_proto.common.v1.common_pb2 as c
x = 1; import sys; from ameide_sdk.proto.ameide_core_proto.validate.v1 import validate_pb2 ;print(x)

print(os, sys, inference_pb2, c, validate_pb2)

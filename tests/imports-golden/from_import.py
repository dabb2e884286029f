from ameide_core_proto.inference.v1 import inference_pb2
from ameide_core_proto.common.v1 import common_pb2 as common, common_pb2_grpc
from ameide_core_proto import inference
from ameide_core_proto.validate.v1.validate_pb2 import *
from  ameide_core_proto . common . v1   import   common_pb2

print(inference_pb2, common, common_pb2_grpc, inference, common_pb2)

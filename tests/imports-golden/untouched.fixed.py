"""None of these lacks the prefix."""
from . import ameide_core_proto
from .ameide_core_proto.inference.v1 import inference_pb2
from ..common import common_pb2
from ameide_sdk.proto.ameide_core_proto.inference.v1 import inference_pb2_grpc
import ameide_sdk.proto.ameide_core_proto.common.v1.common_pb2 as c
from google.protobuf import descriptor_pb2, timestamp_pb2
import ameide_core_protox.v1
import mypkg.ameide_core_proto.v1

value = mypkg.ameide_core_proto
print(ameide_core_proto, inference_pb2, common_pb2, inference_pb2_grpc, c, descriptor_pb2, timestamp_pb2, value)

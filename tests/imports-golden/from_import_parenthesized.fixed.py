from ameide_sdk.proto.ameide_core_proto.inference.v1 import (
    inference_pb2,  # messages
    # the stubs
    inference_pb2_grpc as grpc_stubs,
)
from ameide_sdk.proto.ameide_core_proto.common.v1 import (common_pb2)
from ameide_sdk.proto.ameide_core_proto.validate.v1 import (validate_pb2,
                                           validate_pb2_grpc)

print(inference_pb2, grpc_stubs, common_pb2, validate_pb2, validate_pb2_grpc)

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ameide_sdk.proto.ameide_core_proto.inference.v1 import inference_pb2
    from ameide_sdk.proto.ameide_core_proto.common.v1.common_pb2 import RequestContext
else:
    inference_pb2 = None

if TYPE_CHECKING: from ameide_sdk.proto.ameide_core_proto.validate.v1 import validate_pb2

try:
    from ameide_sdk.proto.ameide_core_proto.inference.v1 import inference_pb2_grpc
except ImportError:  # an image without the generated package
    inference_pb2_grpc = None


def make(context: RequestContext) -> inference_pb2.PredictRequest:
    return inference_pb2.PredictRequest(context=context, rules=validate_pb2)

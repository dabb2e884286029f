"""Imports the prefixed SDK modules and round-trips messages (used by the e2e test and examples/README.md)."""

from google.protobuf import descriptor_pb2

from ameide_sdk.proto.ameide_core_proto.common.v1 import common_pb2
from ameide_sdk.proto.ameide_core_proto.inference.v1 import inference_pb2, inference_pb2_grpc
from ameide_sdk.proto.ameide_core_proto.validate.v1 import validate_pb2

request = inference_pb2.PredictRequest(
    context=common_pb2.RequestContext(tenant_id="acme", labels={"env": "dev"}),
    model="m1",
    features=[0.5, 1.5],
    text="hello",
)
request.context.issued_at.FromSeconds(1700000000)
decoded = inference_pb2.PredictRequest.FromString(request.SerializeToString())
assert decoded == request, decoded
assert decoded.WhichOneof("input") == "text"
assert decoded.context.issued_at.seconds == 1700000000

# the custom (buf.validate-style) option survives in the embedded descriptor
field = common_pb2.RequestContext.DESCRIPTOR.fields_by_name["tenant_id"]
rules = field.GetOptions().Extensions[validate_pb2.field]
assert rules.required and rules.string.max_len == 64, rules

# the service descriptor has all four call shapes
methods = {m.name: m for m in inference_pb2.DESCRIPTOR.services_by_name["InferenceService"].methods}
assert methods["Chat"].client_streaming and methods["Chat"].server_streaming
assert hasattr(inference_pb2_grpc, "InferenceServiceStub")
print("round trip ok:", inference_pb2.__name__)

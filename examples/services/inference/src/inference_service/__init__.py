"""Example service: answers Predict with the prefixed SDK modules."""

from ameide_sdk.proto.ameide_core_proto.inference.v1 import inference_pb2, inference_pb2_grpc


class InferenceServicer(inference_pb2_grpc.InferenceServiceServicer):
    def Predict(self, request, context):
        score = sum(request.features)
        return inference_pb2.PredictResponse(scores=[score], label="positive" if score > 0 else "negative")

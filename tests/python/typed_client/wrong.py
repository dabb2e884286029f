"""Deliberately wrong uses of the prefixed example SDK: each line with an `error:` comment must be reported."""

from __future__ import annotations

import grpc
from grpc import aio

from ameide_sdk.proto.ameide_core_proto.common.v1 import common_pb2
from ameide_sdk.proto.ameide_core_proto.inference.v1 import inference_pb2, inference_pb2_grpc


def sync_client(channel: grpc.Channel) -> None:
    stub = inference_pb2_grpc.InferenceServiceStub(channel)
    stub.Predict(inference_pb2.Token(text="x"))  # error: a Token is not a PredictRequest
    inference_pb2.PredictRequest(model=1)  # error: model is a str
    inference_pb2.PredictRequest(modle="m")  # error: no such field
    request = inference_pb2.PredictRequest()
    request.HasField("features")  # error: a repeated field has no presence
    request.WhichOneof("output")  # error: no such oneof
    common_pb2.Problem(severity=inference_pb2.Token())  # error: not a Severity


async def aio_client(channel: aio.Channel) -> None:
    stub = inference_pb2_grpc.InferenceServiceStub(channel)
    response: inference_pb2.Token = await stub.Predict(inference_pb2.PredictRequest())  # error: returns a PredictResponse
    print(response)

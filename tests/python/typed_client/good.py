"""A typed client and servicer of the prefixed example SDK, sync and grpc.aio: type-checks without errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor

import grpc
from google.protobuf import duration_pb2, empty_pb2
from grpc import aio

from ameide_sdk.proto.ameide_core_proto.common.v1 import common_pb2
from ameide_sdk.proto.ameide_core_proto.inference.v1 import inference_pb2, inference_pb2_grpc


def make_request() -> inference_pb2.PredictRequest:
    context = common_pb2.RequestContext(tenant_id="acme", labels={"team": "ml"})
    request = inference_pb2.PredictRequest(context=context, model="m", features=[0.5, 1.5], text="hi")
    if request.HasField("context"):
        request.context.labels["env"] = "prod"
    which: str | None = request.WhichOneof("input")
    if which == "text":
        request.ClearField("text")
    request.features.append(2.5)
    return request


def problem(severity: common_pb2.Severity.ValueType) -> common_pb2.Problem:
    return common_pb2.Problem(severity=severity, message=common_pb2.Severity.Name(severity))


def sync_client(channel: grpc.Channel) -> list[str]:
    stub = inference_pb2_grpc.InferenceServiceStub(channel)
    response: inference_pb2.PredictResponse = stub.Predict(make_request(), timeout=1.0)
    seen = [response.label, str(response.latency.seconds)]
    seen.extend(token.text for token in stub.Generate(make_request()))
    summary = stub.Upload(iter([inference_pb2.Chunk(data=b"x")]))
    seen.append(str(summary.bytes + summary.chunks))
    for message in stub.Chat(iter([inference_pb2.ChatMessage(role="user", content="hi")])):
        seen.append(message.content)
    stub.Ping(empty_pb2.Empty())
    seen.append(problem(common_pb2.SEVERITY_ERROR).message)
    return seen


async def chunks() -> AsyncIterator[inference_pb2.Chunk]:
    yield inference_pb2.Chunk(data=b"x")


async def aio_client(channel: aio.Channel) -> list[str]:
    stub = inference_pb2_grpc.InferenceServiceStub(channel)
    response: inference_pb2.PredictResponse = await stub.Predict(make_request())
    seen = [response.label]
    async for token in stub.Generate(make_request()):
        seen.append(token.text)
    summary: inference_pb2.UploadSummary = await stub.Upload(chunks())
    seen.append(str(summary.bytes))
    await stub.Ping(empty_pb2.Empty())
    return seen


class SyncInference(inference_pb2_grpc.InferenceServiceServicer):
    def Predict(
        self, request: inference_pb2.PredictRequest, context: grpc.ServicerContext
    ) -> inference_pb2.PredictResponse:
        latency = duration_pb2.Duration(seconds=1)
        return inference_pb2.PredictResponse(label=request.model, scores=[1.0], latency=latency)

    def Generate(
        self, request: inference_pb2.PredictRequest, context: grpc.ServicerContext
    ) -> Iterator[inference_pb2.Token]:
        yield inference_pb2.Token(text=request.text, index=0)

    def Upload(
        self, request_iterator: Iterator[inference_pb2.Chunk], context: grpc.ServicerContext
    ) -> inference_pb2.UploadSummary:
        return inference_pb2.UploadSummary(bytes=sum(len(c.data) for c in request_iterator))

    def Chat(
        self, request_iterator: Iterator[inference_pb2.ChatMessage], context: grpc.ServicerContext
    ) -> Iterator[inference_pb2.ChatMessage]:
        for message in request_iterator:
            yield inference_pb2.ChatMessage(role="assistant", content=message.content)

    def Ping(self, request: empty_pb2.Empty, context: grpc.ServicerContext) -> empty_pb2.Empty:
        return empty_pb2.Empty()


class AioInference(inference_pb2_grpc.InferenceServiceServicer):
    async def Predict(
        self,
        request: inference_pb2.PredictRequest,
        context: aio.ServicerContext[inference_pb2.PredictRequest, inference_pb2.PredictResponse],
    ) -> inference_pb2.PredictResponse:
        return inference_pb2.PredictResponse(label=request.model)

    async def Generate(
        self,
        request: inference_pb2.PredictRequest,
        context: aio.ServicerContext[inference_pb2.PredictRequest, inference_pb2.Token],
    ) -> AsyncIterator[inference_pb2.Token]:
        yield inference_pb2.Token(text=request.model, index=0)

    async def Upload(
        self,
        request_iterator: AsyncIterator[inference_pb2.Chunk],
        context: aio.ServicerContext[inference_pb2.Chunk, inference_pb2.UploadSummary],
    ) -> inference_pb2.UploadSummary:
        total = 0
        async for chunk in request_iterator:
            total += len(chunk.data)
        return inference_pb2.UploadSummary(bytes=total)

    async def Chat(
        self,
        request_iterator: AsyncIterator[inference_pb2.ChatMessage],
        context: aio.ServicerContext[inference_pb2.ChatMessage, inference_pb2.ChatMessage],
    ) -> AsyncIterator[inference_pb2.ChatMessage]:
        async for message in request_iterator:
            yield message

    async def Ping(
        self, request: empty_pb2.Empty, context: aio.ServicerContext[empty_pb2.Empty, empty_pb2.Empty]
    ) -> empty_pb2.Empty:
        return empty_pb2.Empty()


def serve() -> grpc.Server:
    server = grpc.server(ThreadPoolExecutor(max_workers=1))
    inference_pb2_grpc.add_InferenceServiceServicer_to_server(SyncInference(), server)
    return server


def aio_serve() -> aio.Server:
    server = aio.server()
    inference_pb2_grpc.add_InferenceServiceServicer_to_server(AioInference(), server)
    return server

"""Batch scoring on the inference protos.

Written before the SDK prefix: every import below names the bare `ameide_core_proto` package, which only a
separately installed copy of the generated code provides. `protoc-gen-ameide-py imports --fix` moves them to
`ameide_sdk.proto.ameide_core_proto` (see examples/README.md).
"""

from __future__ import annotations

import os; from ameide_core_proto.validate.v1 import validate_pb2
from typing import TYPE_CHECKING

import ameide_core_proto.inference.v1.inference_pb2 as inference_pb2
from ameide_core_proto.common.v1 import (
    common_pb2,  # RequestContext
)

if TYPE_CHECKING:
    from ameide_core_proto.inference.v1.inference_pb2_grpc import InferenceServiceStub

# the proto type name, not a module path: strings are never rewritten
REQUEST_TYPE = "ameide_core_proto.inference.v1.PredictRequest"
MODEL = os.environ.get("SCORING_MODEL", "batch")


def requests_for(tenant: str, batch: list[list[float]]) -> list[inference_pb2.PredictRequest]:
    context = common_pb2.RequestContext(tenant_id=tenant, labels={"service": "scoring"})
    return [inference_pb2.PredictRequest(context=context, model=MODEL, features=row) for row in batch]


def score(request: inference_pb2.PredictRequest) -> inference_pb2.PredictResponse:
    rules = request.DESCRIPTOR.fields_by_name["model"].GetOptions().Extensions[validate_pb2.field]
    if len(request.model) < rules.string.min_len:
        raise ValueError("model is required")
    total = sum(request.features)
    return inference_pb2.PredictResponse(scores=[total], label="positive" if total > 0 else "negative")


def stub_for(channel) -> InferenceServiceStub:
    from ameide_core_proto.inference.v1 import \
        inference_pb2_grpc

    return inference_pb2_grpc.InferenceServiceStub(channel)

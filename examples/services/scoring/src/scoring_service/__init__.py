"""Example service: scores batches of feature vectors with the inference protos."""

from scoring_service.scorer import REQUEST_TYPE, requests_for, score, stub_for

__all__ = ["REQUEST_TYPE", "requests_for", "score", "stub_for"]

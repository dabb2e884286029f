"""The scoring service's tests: `python -m unittest discover -s tests` in the service directory."""

import unittest

import grpc

import scoring_service


class ScorerTest(unittest.TestCase):
    def test_requests_carry_the_context_and_round_trip(self):
        (request,) = scoring_service.requests_for("acme", [[0.5, 1.5]])
        decoded = type(request).FromString(request.SerializeToString())
        self.assertEqual(decoded, request)
        self.assertEqual(decoded.context.tenant_id, "acme")
        self.assertEqual(request.DESCRIPTOR.full_name, scoring_service.REQUEST_TYPE)

    def test_score(self):
        negative, positive = scoring_service.requests_for("acme", [[-1.0], [0.25, 0.5]])
        self.assertEqual(scoring_service.score(positive).label, "positive")
        self.assertEqual(list(scoring_service.score(positive).scores), [0.75])
        self.assertEqual(scoring_service.score(negative).label, "negative")

    def test_the_model_is_required_by_its_validate_option(self):
        (request,) = scoring_service.requests_for("acme", [[1.0]])
        request.model = ""
        with self.assertRaises(ValueError):
            scoring_service.score(request)

    def test_stub(self):
        with grpc.insecure_channel("localhost:1") as channel:
            self.assertTrue(hasattr(scoring_service.stub_for(channel), "Predict"))


if __name__ == "__main__":
    unittest.main()

def predict(features):
    from ameide_core_proto.inference.v1 import inference_pb2

    return inference_pb2.PredictRequest(features=features)


class Client:
    def stub(self, channel):
        import ameide_core_proto.inference.v1.inference_pb2_grpc as grpc_stubs

        return grpc_stubs.InferenceServiceStub(channel)

    async def context(self):
        def inner():
            from ameide_core_proto.common.v1 import common_pb2
            return common_pb2.RequestContext()
        return inner()


handler = lambda: __import__("os")

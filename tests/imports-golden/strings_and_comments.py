"""Nothing here is an import:

from ameide_core_proto.inference.v1 import inference_pb2
"""
# from ameide_core_proto.inference.v1 import inference_pb2
# import ameide_core_proto.common.v1.common_pb2
from unittest import mock

SOURCE = 'from ameide_core_proto.inference.v1 import inference_pb2'
RAW = r'import ameide_core_proto.x \' still a string'
BYTES = b"import ameide_core_proto.x"
TRIPLE = '''
import ameide_core_proto.common.v1.common_pb2
'''
FORMATTED = f"{'import ameide_core_proto.x'!r:>{40}} {{import ameide_core_proto.y}}"
CONCATENATED = ("from ameide_core_proto.x "
                "import y")

# strings naming modules: warnings, never rewritten
patcher = mock.patch("ameide_core_proto.inference.v1.inference_pb2_grpc.InferenceServiceStub")
MODULE = 'ameide_core_proto.common.v1.common_pb2'
TYPE_NAME = "ameide_core_proto.inference.v1.PredictRequest"  # a proto type name reads the same: a warning too

from ameide_core_proto.inference.v1 import inference_pb2

MESSAGE = 'a string that never ends
from ameide_core_proto.common.v1 import common_pb2

from ameide_core_proto.inference.v1 import inference_pb2
from ameide_core_proto.common.v1 import
import ameide_core_proto.validate.v1.validate_pb2 as validate_pb2

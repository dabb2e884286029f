"""A byte-order mark, CRLF line ends and tabs."""
import os
if os:
	from ameide_core_proto.inference.v1 import inference_pb2
	from ameide_core_proto.common.v1 import (
		common_pb2,
	)
print(inference_pb2, common_pb2)

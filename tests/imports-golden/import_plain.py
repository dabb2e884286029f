"""`import a.b.c` binds `a`: fixable only while nothing else uses that name."""
import ameide_core_proto.inference.v1.inference_pb2  # registers the descriptors, nothing more
import ameide_core_proto.common.v1.common_pb2

CONTEXT = ameide_core_proto.common.v1.common_pb2.RequestContext

"""Uses of `ameide_core_proto` the fix would break: in an f-string field, a string annotation, a keyword.

Not a use: ameide_core_proto.common in this docstring.
"""
import ameide_core_proto.common.v1.common_pb2


def describe(context: "ameide_core_proto.common.v1.common_pb2.RequestContext") -> str:
    return f"{ameide_core_proto.common.v1.common_pb2.DESCRIPTOR.name}: {context}"

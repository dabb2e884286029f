from ameide_core_proto.extra.options.v1 import option_defs_pb2 as _option_defs_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf.internal import python_message as _python_message
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class UsedEnum(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    USED_ENUM_UNSPECIFIED: _ClassVar[UsedEnum]
    USED_ENUM_ONE: _ClassVar[UsedEnum]
    USED_ENUM_UNO: _ClassVar[UsedEnum]
USED_ENUM_UNSPECIFIED: UsedEnum
USED_ENUM_ONE: UsedEnum
USED_ENUM_UNO: UsedEnum
ALL_NOTE_FIELD_NUMBER: _ClassVar[int]
all_note: _descriptor.FieldDescriptor

class AllOptions(_message.Message):
    __slots__ = ("plain", "text", "number")
    Extensions: _python_message._ExtensionDict
    PLAIN_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    plain: int
    text: str
    number: int
    def __init__(self, plain: _Optional[int] = ..., text: _Optional[str] = ..., number: _Optional[int] = ...) -> None: ...

from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
EXTRA_FIELD_NUMBER: _ClassVar[int]
extra: _descriptor.FieldDescriptor

class ExtraFeatures(_message.Message):
    __slots__ = ("level", "audited", "lint_only")
    class Level(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        LEVEL_UNKNOWN: _ClassVar[ExtraFeatures.Level]
        LEVEL_LOW: _ClassVar[ExtraFeatures.Level]
        LEVEL_HIGH: _ClassVar[ExtraFeatures.Level]
    LEVEL_UNKNOWN: ExtraFeatures.Level
    LEVEL_LOW: ExtraFeatures.Level
    LEVEL_HIGH: ExtraFeatures.Level
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    AUDITED_FIELD_NUMBER: _ClassVar[int]
    LINT_ONLY_FIELD_NUMBER: _ClassVar[int]
    level: ExtraFeatures.Level
    audited: bool
    lint_only: bool
    def __init__(self, level: _Optional[_Union[ExtraFeatures.Level, str]] = ..., audited: _Optional[bool] = ..., lint_only: _Optional[bool] = ...) -> None: ...

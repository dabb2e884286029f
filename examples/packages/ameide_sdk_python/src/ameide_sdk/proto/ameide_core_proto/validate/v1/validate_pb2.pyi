from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
FIELD_FIELD_NUMBER: _ClassVar[int]
field: _descriptor.FieldDescriptor
DISABLED_FIELD_NUMBER: _ClassVar[int]
disabled: _descriptor.FieldDescriptor

class StringRules(_message.Message):
    __slots__ = ("min_len", "max_len", "pattern")
    MIN_LEN_FIELD_NUMBER: _ClassVar[int]
    MAX_LEN_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    IN_FIELD_NUMBER: _ClassVar[int]
    min_len: int
    max_len: int
    pattern: str
    def __init__(self, min_len: _Optional[int] = ..., max_len: _Optional[int] = ..., pattern: _Optional[str] = ..., **kwargs) -> None: ...

class Int32Rules(_message.Message):
    __slots__ = ("gte", "lte")
    GTE_FIELD_NUMBER: _ClassVar[int]
    LTE_FIELD_NUMBER: _ClassVar[int]
    IN_FIELD_NUMBER: _ClassVar[int]
    gte: int
    lte: int
    def __init__(self, gte: _Optional[int] = ..., lte: _Optional[int] = ..., **kwargs) -> None: ...

class FieldRules(_message.Message):
    __slots__ = ("required", "string", "int32")
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    STRING_FIELD_NUMBER: _ClassVar[int]
    INT32_FIELD_NUMBER: _ClassVar[int]
    required: bool
    string: StringRules
    int32: Int32Rules
    def __init__(self, required: _Optional[bool] = ..., string: _Optional[_Union[StringRules, _Mapping]] = ..., int32: _Optional[_Union[Int32Rules, _Mapping]] = ...) -> None: ...

from ameide_core_proto.extra.editions.v1 import custom_features_pb2 as _custom_features_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Kind2024(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KIND2024_ONE: _ClassVar[Kind2024]
    KIND2024_TWO: _ClassVar[Kind2024]
KIND2024_ONE: Kind2024
KIND2024_TWO: Kind2024

class Features2024(_message.Message):
    __slots__ = ("name", "count", "child", "level_field", "a", "b", "c")
    class only_source_features(_message.Message):
        __slots__ = ("lower_snake_OK",)
        LOWER_SNAKE_OK_FIELD_NUMBER: _ClassVar[int]
        lower_snake_OK: int
        def __init__(self, lower_snake_OK: _Optional[int] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    CHILD_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_FIELD_NUMBER: _ClassVar[int]
    A_FIELD_NUMBER: _ClassVar[int]
    B_FIELD_NUMBER: _ClassVar[int]
    C_FIELD_NUMBER: _ClassVar[int]
    name: str
    count: int
    child: Features2024.only_source_features
    level_field: int
    a: str
    b: int
    c: str
    def __init__(self, name: _Optional[str] = ..., count: _Optional[int] = ..., child: _Optional[_Union[Features2024.only_source_features, _Mapping]] = ..., level_field: _Optional[int] = ..., a: _Optional[str] = ..., b: _Optional[int] = ..., c: _Optional[str] = ...) -> None: ...

class Exported(_message.Message):
    __slots__ = ("x",)
    X_FIELD_NUMBER: _ClassVar[int]
    x: int
    def __init__(self, x: _Optional[int] = ...) -> None: ...

class LocalOnly(_message.Message):
    __slots__ = ("y",)
    Y_FIELD_NUMBER: _ClassVar[int]
    y: int
    def __init__(self, y: _Optional[int] = ...) -> None: ...

from ameide_core_proto.extra.editions.v1 import custom_features_pb2 as _custom_features_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ClosedKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLOSED_KIND_ONE: _ClassVar[ClosedKind]
    CLOSED_KIND_TWO: _ClassVar[ClosedKind]

class OpenKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OPEN_KIND_UNSPECIFIED: _ClassVar[OpenKind]
    OPEN_KIND_A: _ClassVar[OpenKind]
CLOSED_KIND_ONE: ClosedKind
CLOSED_KIND_TWO: ClosedKind
OPEN_KIND_UNSPECIFIED: OpenKind
OPEN_KIND_A: OpenKind

class Features2023(_message.Message):
    __slots__ = ("implicit_name", "explicit_count", "required_id", "delimited_child", "packed_nums", "expanded_nums", "checked", "closed_kind", "ratio", "text", "blob")
    class Child(_message.Message):
        __slots__ = ("x",)
        X_FIELD_NUMBER: _ClassVar[int]
        x: int
        def __init__(self, x: _Optional[int] = ...) -> None: ...
    IMPLICIT_NAME_FIELD_NUMBER: _ClassVar[int]
    EXPLICIT_COUNT_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_ID_FIELD_NUMBER: _ClassVar[int]
    DELIMITED_CHILD_FIELD_NUMBER: _ClassVar[int]
    PACKED_NUMS_FIELD_NUMBER: _ClassVar[int]
    EXPANDED_NUMS_FIELD_NUMBER: _ClassVar[int]
    CHECKED_FIELD_NUMBER: _ClassVar[int]
    CLOSED_KIND_FIELD_NUMBER: _ClassVar[int]
    RATIO_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    BLOB_FIELD_NUMBER: _ClassVar[int]
    implicit_name: str
    explicit_count: int
    required_id: int
    delimited_child: Features2023.Child
    packed_nums: _containers.RepeatedScalarFieldContainer[int]
    expanded_nums: _containers.RepeatedScalarFieldContainer[int]
    checked: str
    closed_kind: ClosedKind
    ratio: float
    text: str
    blob: bytes
    def __init__(self, implicit_name: _Optional[str] = ..., explicit_count: _Optional[int] = ..., required_id: _Optional[int] = ..., delimited_child: _Optional[_Union[Features2023.Child, _Mapping]] = ..., packed_nums: _Optional[_Iterable[int]] = ..., expanded_nums: _Optional[_Iterable[int]] = ..., checked: _Optional[str] = ..., closed_kind: _Optional[_Union[ClosedKind, str]] = ..., ratio: _Optional[float] = ..., text: _Optional[str] = ..., blob: _Optional[bytes] = ...) -> None: ...

from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
FILE_POLICY_FIELD_NUMBER: _ClassVar[int]
file_policy: _descriptor.FieldDescriptor
MSG_POLICY_FIELD_NUMBER: _ClassVar[int]
msg_policy: _descriptor.FieldDescriptor
FIELD_POLICY_FIELD_NUMBER: _ClassVar[int]
field_policy: _descriptor.FieldDescriptor
FIELD_POLICIES_FIELD_NUMBER: _ClassVar[int]
field_policies: _descriptor.FieldDescriptor
FIELD_SOURCE_ONLY_FIELD_NUMBER: _ClassVar[int]
field_source_only: _descriptor.FieldDescriptor
SVC_POLICY_FIELD_NUMBER: _ClassVar[int]
svc_policy: _descriptor.FieldDescriptor
METHOD_POLICY_FIELD_NUMBER: _ClassVar[int]
method_policy: _descriptor.FieldDescriptor

class Policy(_message.Message):
    __slots__ = ("owner", "internal_note", "tags", "inner", "inners")
    class Inner(_message.Message):
        __slots__ = ("level", "secret")
        LEVEL_FIELD_NUMBER: _ClassVar[int]
        SECRET_FIELD_NUMBER: _ClassVar[int]
        level: int
        secret: str
        def __init__(self, level: _Optional[int] = ..., secret: _Optional[str] = ...) -> None: ...
    OWNER_FIELD_NUMBER: _ClassVar[int]
    INTERNAL_NOTE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    INNER_FIELD_NUMBER: _ClassVar[int]
    INNERS_FIELD_NUMBER: _ClassVar[int]
    owner: str
    internal_note: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    inner: Policy.Inner
    inners: _containers.RepeatedCompositeFieldContainer[Policy.Inner]
    def __init__(self, owner: _Optional[str] = ..., internal_note: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., inner: _Optional[_Union[Policy.Inner, _Mapping]] = ..., inners: _Optional[_Iterable[_Union[Policy.Inner, _Mapping]]] = ...) -> None: ...

class Guarded(_message.Message):
    __slots__ = ("a", "b", "c", "d")
    A_FIELD_NUMBER: _ClassVar[int]
    B_FIELD_NUMBER: _ClassVar[int]
    C_FIELD_NUMBER: _ClassVar[int]
    D_FIELD_NUMBER: _ClassVar[int]
    a: str
    b: str
    c: str
    d: str
    def __init__(self, a: _Optional[str] = ..., b: _Optional[str] = ..., c: _Optional[str] = ..., d: _Optional[str] = ...) -> None: ...

import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
import importlib
_keyword_names_pb2 = importlib.import_module('ameide_core_proto.extra.lambda.v1.keyword_names_pb2')
from extra_vendor.v1 import vendor_public_pb2 as _vendor_public_pb2
from extra_vendor.v1 import vendor_pb2 as _vendor_pb2
from extra_vendor.v1 import vendor_pb2 as _vendor_pb2_1
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union
from extra_vendor.v1.vendor_pb2 import VendorThing as VendorThing
from extra_vendor.v1.vendor_pb2 import VendorKind as VendorKind

DESCRIPTOR: _descriptor.FileDescriptor
VENDOR_KIND_UNSPECIFIED: _vendor_pb2_1.VendorKind
VENDOR_KIND_A: _vendor_pb2_1.VendorKind

class Leaf(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class Outer(_message.Message):
    __slots__ = ("middle", "outer", "level", "keyword_msg", "keyword_deep", "vendor", "wrapper", "kinds")
    class Level(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        LEVEL_UNSPECIFIED: _ClassVar[Outer.Level]
        LEVEL_OUTER: _ClassVar[Outer.Level]
    LEVEL_UNSPECIFIED: Outer.Level
    LEVEL_OUTER: Outer.Level
    class Middle(_message.Message):
        __slots__ = ("inner", "leaves", "inners", "level")
        class Level(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
            __slots__ = ()
            LEVEL_UNSPECIFIED: _ClassVar[Outer.Middle.Level]
            LEVEL_MIDDLE: _ClassVar[Outer.Middle.Level]
        LEVEL_UNSPECIFIED: Outer.Middle.Level
        LEVEL_MIDDLE: Outer.Middle.Level
        class Inner(_message.Message):
            __slots__ = ("leaf", "outer_level", "middle_level", "other_leaf", "leaves")
            class Leaf(_message.Message):
                __slots__ = ("self_ref", "top", "level", "waits")
                class WaitsEntry(_message.Message):
                    __slots__ = ("key", "value")
                    KEY_FIELD_NUMBER: _ClassVar[int]
                    VALUE_FIELD_NUMBER: _ClassVar[int]
                    key: str
                    value: _duration_pb2.Duration
                    def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...
                SELF_REF_FIELD_NUMBER: _ClassVar[int]
                TOP_FIELD_NUMBER: _ClassVar[int]
                LEVEL_FIELD_NUMBER: _ClassVar[int]
                WAITS_FIELD_NUMBER: _ClassVar[int]
                self_ref: Outer.Middle.Inner.Leaf
                top: ameide_core_proto.extra.nested.v1.nested_pb2.Leaf
                level: Outer.Middle.Level
                waits: _containers.MessageMap[str, _duration_pb2.Duration]
                def __init__(self, self_ref: _Optional[_Union[Outer.Middle.Inner.Leaf, _Mapping]] = ..., top: _Optional[_Union[ameide_core_proto.extra.nested.v1.nested_pb2.Leaf, _Mapping]] = ..., level: _Optional[_Union[Outer.Middle.Level, str]] = ..., waits: _Optional[_Mapping[str, _duration_pb2.Duration]] = ...) -> None: ...
            class LeavesEntry(_message.Message):
                __slots__ = ("key", "value")
                KEY_FIELD_NUMBER: _ClassVar[int]
                VALUE_FIELD_NUMBER: _ClassVar[int]
                key: int
                value: Outer.Middle.Inner.Leaf
                def __init__(self, key: _Optional[int] = ..., value: _Optional[_Union[Outer.Middle.Inner.Leaf, _Mapping]] = ...) -> None: ...
            LEAF_FIELD_NUMBER: _ClassVar[int]
            OUTER_LEVEL_FIELD_NUMBER: _ClassVar[int]
            MIDDLE_LEVEL_FIELD_NUMBER: _ClassVar[int]
            OTHER_LEAF_FIELD_NUMBER: _ClassVar[int]
            LEAVES_FIELD_NUMBER: _ClassVar[int]
            leaf: Outer.Middle.Inner.Leaf
            outer_level: Outer.Level
            middle_level: Outer.Middle.Level
            other_leaf: Outer.Middle.Inner.Leaf
            leaves: _containers.MessageMap[int, Outer.Middle.Inner.Leaf]
            def __init__(self, leaf: _Optional[_Union[Outer.Middle.Inner.Leaf, _Mapping]] = ..., outer_level: _Optional[_Union[Outer.Level, str]] = ..., middle_level: _Optional[_Union[Outer.Middle.Level, str]] = ..., other_leaf: _Optional[_Union[Outer.Middle.Inner.Leaf, _Mapping]] = ..., leaves: _Optional[_Mapping[int, Outer.Middle.Inner.Leaf]] = ...) -> None: ...
        class InnersEntry(_message.Message):
            __slots__ = ("key", "value")
            KEY_FIELD_NUMBER: _ClassVar[int]
            VALUE_FIELD_NUMBER: _ClassVar[int]
            key: str
            value: Outer.Middle.Inner
            def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[Outer.Middle.Inner, _Mapping]] = ...) -> None: ...
        INNER_FIELD_NUMBER: _ClassVar[int]
        LEAVES_FIELD_NUMBER: _ClassVar[int]
        INNERS_FIELD_NUMBER: _ClassVar[int]
        LEVEL_FIELD_NUMBER: _ClassVar[int]
        inner: Outer.Middle.Inner
        leaves: _containers.RepeatedCompositeFieldContainer[Outer.Middle.Inner.Leaf]
        inners: _containers.MessageMap[str, Outer.Middle.Inner]
        level: Outer.Middle.Level
        def __init__(self, inner: _Optional[_Union[Outer.Middle.Inner, _Mapping]] = ..., leaves: _Optional[_Iterable[_Union[Outer.Middle.Inner.Leaf, _Mapping]]] = ..., inners: _Optional[_Mapping[str, Outer.Middle.Inner]] = ..., level: _Optional[_Union[Outer.Middle.Level, str]] = ...) -> None: ...
    class Outer(_message.Message):
        __slots__ = ("middle", "at")
        MIDDLE_FIELD_NUMBER: _ClassVar[int]
        AT_FIELD_NUMBER: _ClassVar[int]
        middle: Outer.Middle
        at: _timestamp_pb2.Timestamp
        def __init__(self, middle: _Optional[_Union[Outer.Middle, _Mapping]] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
    class KindsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _vendor_pb2_1.VendorKind
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_vendor_pb2_1.VendorKind, str]] = ...) -> None: ...
    MIDDLE_FIELD_NUMBER: _ClassVar[int]
    OUTER_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    KEYWORD_MSG_FIELD_NUMBER: _ClassVar[int]
    KEYWORD_DEEP_FIELD_NUMBER: _ClassVar[int]
    VENDOR_FIELD_NUMBER: _ClassVar[int]
    WRAPPER_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    middle: Outer.Middle
    outer: Outer.Outer
    level: Outer.Level
    keyword_msg: _keyword_names_pb2.globals()['class']
    keyword_deep: _keyword_names_pb2.getattr(getattr(globals()['global'], 'nonlocal'), 'await')
    vendor: _vendor_pb2_1.VendorThing
    wrapper: _vendor_public_pb2.VendorWrapper
    kinds: _containers.ScalarMap[str, _vendor_pb2_1.VendorKind]
    def __init__(self, middle: _Optional[_Union[Outer.Middle, _Mapping]] = ..., outer: _Optional[_Union[Outer.Outer, _Mapping]] = ..., level: _Optional[_Union[Outer.Level, str]] = ..., keyword_msg: _Optional[_Union[_keyword_names_pb2.globals()['class'], _Mapping]] = ..., keyword_deep: _Optional[_Union[_keyword_names_pb2.getattr(getattr(globals()['global'], 'nonlocal'), 'await'), _Mapping]] = ..., vendor: _Optional[_Union[_vendor_pb2_1.VendorThing, _Mapping]] = ..., wrapper: _Optional[_Union[_vendor_public_pb2.VendorWrapper, _Mapping]] = ..., kinds: _Optional[_Mapping[str, _vendor_pb2_1.VendorKind]] = ...) -> None: ...

from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class while(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WHILE_UNSPECIFIED: _ClassVar[globals()['while']]
    WHILE_TRUE: _ClassVar[globals()['while']]
WHILE_UNSPECIFIED: globals()['while']
WHILE_TRUE: globals()['while']

class class(_message.Message):
    __slots__ = ("body", "mode", "defs", "by_name")
    class pass(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        PASS_UNSPECIFIED: _ClassVar[getattr(globals()['class'], 'pass')]
        None: _ClassVar[getattr(globals()['class'], 'pass')]
        True: _ClassVar[getattr(globals()['class'], 'pass')]
    PASS_UNSPECIFIED: getattr(globals()['class'], 'pass')
    None: getattr(globals()['class'], 'pass')
    True: getattr(globals()['class'], 'pass')
    class def(_message.Message):
        __slots__ = ("value",)
        FROM_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        value: int
        def __init__(self, value: _Optional[int] = ..., **kwargs) -> None: ...
    class ByNameEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: getattr(globals()['class'], 'def')
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[getattr(globals()['class'], 'def'), _Mapping]] = ...) -> None: ...
    BODY_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    DEFS_FIELD_NUMBER: _ClassVar[int]
    BY_NAME_FIELD_NUMBER: _ClassVar[int]
    YIELD_FIELD_NUMBER: _ClassVar[int]
    IMPORT_FIELD_NUMBER: _ClassVar[int]
    body: getattr(globals()['class'], 'def')
    mode: getattr(globals()['class'], 'pass')
    defs: _containers.RepeatedCompositeFieldContainer[getattr(globals()['class'], 'def')]
    by_name: _containers.MessageMap[str, getattr(globals()['class'], 'def')]
    def __init__(self, body: _Optional[_Union[getattr(globals()['class'], 'def'), _Mapping]] = ..., mode: _Optional[_Union[getattr(globals()['class'], 'pass'), str]] = ..., defs: _Optional[_Iterable[_Union[getattr(globals()['class'], 'def'), _Mapping]]] = ..., by_name: _Optional[_Mapping[str, getattr(globals()['class'], 'def')]] = ..., **kwargs) -> None: ...

class global(_message.Message):
    __slots__ = ("scope", "klass", "int", "list")
    class nonlocal(_message.Message):
        __slots__ = ("inner",)
        class await(_message.Message):
            __slots__ = ()
            IS_FIELD_NUMBER: _ClassVar[int]
            def __init__(self, **kwargs) -> None: ...
        INNER_FIELD_NUMBER: _ClassVar[int]
        inner: getattr(getattr(globals()['global'], 'nonlocal'), 'await')
        def __init__(self, inner: _Optional[_Union[getattr(getattr(globals()['global'], 'nonlocal'), 'await'), _Mapping]] = ...) -> None: ...
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    KLASS_FIELD_NUMBER: _ClassVar[int]
    LAMBDA_FIELD_NUMBER: _ClassVar[int]
    INT_FIELD_NUMBER: _ClassVar[int]
    LIST_FIELD_NUMBER: _ClassVar[int]
    scope: getattr(globals()['global'], 'nonlocal')
    klass: globals()['class']
    int: int
    list: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, scope: _Optional[_Union[getattr(globals()['global'], 'nonlocal'), _Mapping]] = ..., klass: _Optional[_Union[globals()['class'], _Mapping]] = ..., int: _Optional[int] = ..., list: _Optional[_Iterable[str]] = ..., **kwargs) -> None: ...

class Plain(_message.Message):
    __slots__ = ("loop", "deep", "mode")
    LOOP_FIELD_NUMBER: _ClassVar[int]
    DEEP_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    loop: globals()['while']
    deep: getattr(getattr(globals()['global'], 'nonlocal'), 'await')
    mode: getattr(globals()['class'], 'pass')
    def __init__(self, loop: _Optional[_Union[globals()['while'], str]] = ..., deep: _Optional[_Union[getattr(getattr(globals()['global'], 'nonlocal'), 'await'), _Mapping]] = ..., mode: _Optional[_Union[getattr(globals()['class'], 'pass'), str]] = ...) -> None: ...

from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class Denormals(_message.Message):
    __slots__ = ("d_min_denormal", "d_denormal", "d_min_normal", "f_min_denormal", "f_denormal", "f_min_normal", "f_neg_denormal", "d_neg_denormal")
    D_MIN_DENORMAL_FIELD_NUMBER: _ClassVar[int]
    D_DENORMAL_FIELD_NUMBER: _ClassVar[int]
    D_MIN_NORMAL_FIELD_NUMBER: _ClassVar[int]
    F_MIN_DENORMAL_FIELD_NUMBER: _ClassVar[int]
    F_DENORMAL_FIELD_NUMBER: _ClassVar[int]
    F_MIN_NORMAL_FIELD_NUMBER: _ClassVar[int]
    F_NEG_DENORMAL_FIELD_NUMBER: _ClassVar[int]
    D_NEG_DENORMAL_FIELD_NUMBER: _ClassVar[int]
    d_min_denormal: float
    d_denormal: float
    d_min_normal: float
    f_min_denormal: float
    f_denormal: float
    f_min_normal: float
    f_neg_denormal: float
    d_neg_denormal: float
    def __init__(self, d_min_denormal: _Optional[float] = ..., d_denormal: _Optional[float] = ..., d_min_normal: _Optional[float] = ..., f_min_denormal: _Optional[float] = ..., f_denormal: _Optional[float] = ..., f_min_normal: _Optional[float] = ..., f_neg_denormal: _Optional[float] = ..., d_neg_denormal: _Optional[float] = ...) -> None: ...

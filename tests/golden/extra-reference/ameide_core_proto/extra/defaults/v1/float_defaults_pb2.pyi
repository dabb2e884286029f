from google.protobuf.internal import containers as _containers
from google.protobuf.internal import python_message as _python_message
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
EXT_FLOAT_TENTH_FIELD_NUMBER: _ClassVar[int]
ext_float_tenth: _descriptor.FieldDescriptor
EXT_DOUBLE_NEG_INF_FIELD_NUMBER: _ClassVar[int]
ext_double_neg_inf: _descriptor.FieldDescriptor
EXT_DOUBLE_BIG_FIELD_NUMBER: _ClassVar[int]
ext_double_big: _descriptor.FieldDescriptor

class DoubleDefaults(_message.Message):
    __slots__ = ("d_0p1", "d_1e6", "d_1eneg_7", "d_123456789", "d_3p4028235e38", "d_nan", "d_inf", "d_neg_inf", "d_neg_0", "d_0", "d_1", "d_neg_1p5", "d_100", "d_1e15", "d_1e16", "d_1e17", "d_1e21", "d_1e22", "d_1e100", "d_1p7976931348623157e308", "d_2p2250738585072014eneg_308", "d_0p30000000000000004", "d_123456789012345678", "d_neg_2p5eneg_5", "d_0p000001", "d_0p0001", "d_33p333333333333336", "d_9007199254740993", "d_1eneg_300")
    Extensions: _python_message._ExtensionDict
    D_0P1_FIELD_NUMBER: _ClassVar[int]
    D_1E6_FIELD_NUMBER: _ClassVar[int]
    D_1ENEG_7_FIELD_NUMBER: _ClassVar[int]
    D_123456789_FIELD_NUMBER: _ClassVar[int]
    D_3P4028235E38_FIELD_NUMBER: _ClassVar[int]
    D_NAN_FIELD_NUMBER: _ClassVar[int]
    D_INF_FIELD_NUMBER: _ClassVar[int]
    D_NEG_INF_FIELD_NUMBER: _ClassVar[int]
    D_NEG_0_FIELD_NUMBER: _ClassVar[int]
    D_0_FIELD_NUMBER: _ClassVar[int]
    D_1_FIELD_NUMBER: _ClassVar[int]
    D_NEG_1P5_FIELD_NUMBER: _ClassVar[int]
    D_100_FIELD_NUMBER: _ClassVar[int]
    D_1E15_FIELD_NUMBER: _ClassVar[int]
    D_1E16_FIELD_NUMBER: _ClassVar[int]
    D_1E17_FIELD_NUMBER: _ClassVar[int]
    D_1E21_FIELD_NUMBER: _ClassVar[int]
    D_1E22_FIELD_NUMBER: _ClassVar[int]
    D_1E100_FIELD_NUMBER: _ClassVar[int]
    D_1P7976931348623157E308_FIELD_NUMBER: _ClassVar[int]
    D_2P2250738585072014ENEG_308_FIELD_NUMBER: _ClassVar[int]
    D_0P30000000000000004_FIELD_NUMBER: _ClassVar[int]
    D_123456789012345678_FIELD_NUMBER: _ClassVar[int]
    D_NEG_2P5ENEG_5_FIELD_NUMBER: _ClassVar[int]
    D_0P000001_FIELD_NUMBER: _ClassVar[int]
    D_0P0001_FIELD_NUMBER: _ClassVar[int]
    D_33P333333333333336_FIELD_NUMBER: _ClassVar[int]
    D_9007199254740993_FIELD_NUMBER: _ClassVar[int]
    D_1ENEG_300_FIELD_NUMBER: _ClassVar[int]
    d_0p1: float
    d_1e6: float
    d_1eneg_7: float
    d_123456789: float
    d_3p4028235e38: float
    d_nan: float
    d_inf: float
    d_neg_inf: float
    d_neg_0: float
    d_0: float
    d_1: float
    d_neg_1p5: float
    d_100: float
    d_1e15: float
    d_1e16: float
    d_1e17: float
    d_1e21: float
    d_1e22: float
    d_1e100: float
    d_1p7976931348623157e308: float
    d_2p2250738585072014eneg_308: float
    d_0p30000000000000004: float
    d_123456789012345678: float
    d_neg_2p5eneg_5: float
    d_0p000001: float
    d_0p0001: float
    d_33p333333333333336: float
    d_9007199254740993: float
    d_1eneg_300: float
    def __init__(self, d_0p1: _Optional[float] = ..., d_1e6: _Optional[float] = ..., d_1eneg_7: _Optional[float] = ..., d_123456789: _Optional[float] = ..., d_3p4028235e38: _Optional[float] = ..., d_nan: _Optional[float] = ..., d_inf: _Optional[float] = ..., d_neg_inf: _Optional[float] = ..., d_neg_0: _Optional[float] = ..., d_0: _Optional[float] = ..., d_1: _Optional[float] = ..., d_neg_1p5: _Optional[float] = ..., d_100: _Optional[float] = ..., d_1e15: _Optional[float] = ..., d_1e16: _Optional[float] = ..., d_1e17: _Optional[float] = ..., d_1e21: _Optional[float] = ..., d_1e22: _Optional[float] = ..., d_1e100: _Optional[float] = ..., d_1p7976931348623157e308: _Optional[float] = ..., d_2p2250738585072014eneg_308: _Optional[float] = ..., d_0p30000000000000004: _Optional[float] = ..., d_123456789012345678: _Optional[float] = ..., d_neg_2p5eneg_5: _Optional[float] = ..., d_0p000001: _Optional[float] = ..., d_0p0001: _Optional[float] = ..., d_33p333333333333336: _Optional[float] = ..., d_9007199254740993: _Optional[float] = ..., d_1eneg_300: _Optional[float] = ...) -> None: ...

class FloatDefaults(_message.Message):
    __slots__ = ("f_0p1", "f_1e6", "f_1eneg_7", "f_123456789", "f_3p4028235e38", "f_nan", "f_inf", "f_neg_inf", "f_neg_0", "f_0", "f_1", "f_neg_1p5", "f_100", "f_16777216", "f_16777217", "f_1p17549435eneg_38", "f_0p333333343", "f_1e38", "f_2p5eneg_5", "f_0p000001", "f_1e10", "f_3p14159265358979", "f_65504", "f_1eneg_10", "nested")
    class Nested(_message.Message):
        __slots__ = ("nested_tenth", "nested_big", "no_default")
        NESTED_TENTH_FIELD_NUMBER: _ClassVar[int]
        NESTED_BIG_FIELD_NUMBER: _ClassVar[int]
        NO_DEFAULT_FIELD_NUMBER: _ClassVar[int]
        nested_tenth: float
        nested_big: float
        no_default: _containers.RepeatedScalarFieldContainer[float]
        def __init__(self, nested_tenth: _Optional[float] = ..., nested_big: _Optional[float] = ..., no_default: _Optional[_Iterable[float]] = ...) -> None: ...
    F_0P1_FIELD_NUMBER: _ClassVar[int]
    F_1E6_FIELD_NUMBER: _ClassVar[int]
    F_1ENEG_7_FIELD_NUMBER: _ClassVar[int]
    F_123456789_FIELD_NUMBER: _ClassVar[int]
    F_3P4028235E38_FIELD_NUMBER: _ClassVar[int]
    F_NAN_FIELD_NUMBER: _ClassVar[int]
    F_INF_FIELD_NUMBER: _ClassVar[int]
    F_NEG_INF_FIELD_NUMBER: _ClassVar[int]
    F_NEG_0_FIELD_NUMBER: _ClassVar[int]
    F_0_FIELD_NUMBER: _ClassVar[int]
    F_1_FIELD_NUMBER: _ClassVar[int]
    F_NEG_1P5_FIELD_NUMBER: _ClassVar[int]
    F_100_FIELD_NUMBER: _ClassVar[int]
    F_16777216_FIELD_NUMBER: _ClassVar[int]
    F_16777217_FIELD_NUMBER: _ClassVar[int]
    F_1P17549435ENEG_38_FIELD_NUMBER: _ClassVar[int]
    F_0P333333343_FIELD_NUMBER: _ClassVar[int]
    F_1E38_FIELD_NUMBER: _ClassVar[int]
    F_2P5ENEG_5_FIELD_NUMBER: _ClassVar[int]
    F_0P000001_FIELD_NUMBER: _ClassVar[int]
    F_1E10_FIELD_NUMBER: _ClassVar[int]
    F_3P14159265358979_FIELD_NUMBER: _ClassVar[int]
    F_65504_FIELD_NUMBER: _ClassVar[int]
    F_1ENEG_10_FIELD_NUMBER: _ClassVar[int]
    NESTED_FIELD_NUMBER: _ClassVar[int]
    f_0p1: float
    f_1e6: float
    f_1eneg_7: float
    f_123456789: float
    f_3p4028235e38: float
    f_nan: float
    f_inf: float
    f_neg_inf: float
    f_neg_0: float
    f_0: float
    f_1: float
    f_neg_1p5: float
    f_100: float
    f_16777216: float
    f_16777217: float
    f_1p17549435eneg_38: float
    f_0p333333343: float
    f_1e38: float
    f_2p5eneg_5: float
    f_0p000001: float
    f_1e10: float
    f_3p14159265358979: float
    f_65504: float
    f_1eneg_10: float
    nested: FloatDefaults.Nested
    def __init__(self, f_0p1: _Optional[float] = ..., f_1e6: _Optional[float] = ..., f_1eneg_7: _Optional[float] = ..., f_123456789: _Optional[float] = ..., f_3p4028235e38: _Optional[float] = ..., f_nan: _Optional[float] = ..., f_inf: _Optional[float] = ..., f_neg_inf: _Optional[float] = ..., f_neg_0: _Optional[float] = ..., f_0: _Optional[float] = ..., f_1: _Optional[float] = ..., f_neg_1p5: _Optional[float] = ..., f_100: _Optional[float] = ..., f_16777216: _Optional[float] = ..., f_16777217: _Optional[float] = ..., f_1p17549435eneg_38: _Optional[float] = ..., f_0p333333343: _Optional[float] = ..., f_1e38: _Optional[float] = ..., f_2p5eneg_5: _Optional[float] = ..., f_0p000001: _Optional[float] = ..., f_1e10: _Optional[float] = ..., f_3p14159265358979: _Optional[float] = ..., f_65504: _Optional[float] = ..., f_1eneg_10: _Optional[float] = ..., nested: _Optional[_Union[FloatDefaults.Nested, _Mapping]] = ...) -> None: ...

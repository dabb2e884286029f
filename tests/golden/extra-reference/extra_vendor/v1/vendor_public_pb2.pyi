from extra_vendor.v1 import vendor_pb2 as _vendor_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union
from extra_vendor.v1.vendor_pb2 import VendorThing as VendorThing
from extra_vendor.v1.vendor_pb2 import VendorKind as VendorKind

DESCRIPTOR: _descriptor.FileDescriptor
VENDOR_KIND_UNSPECIFIED: _vendor_pb2.VendorKind
VENDOR_KIND_A: _vendor_pb2.VendorKind

class VendorWrapper(_message.Message):
    __slots__ = ("thing",)
    THING_FIELD_NUMBER: _ClassVar[int]
    thing: _vendor_pb2.VendorThing
    def __init__(self, thing: _Optional[_Union[_vendor_pb2.VendorThing, _Mapping]] = ...) -> None: ...

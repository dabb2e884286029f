
»
a.proto google/protobuf/descriptor.proto"
M
a (BŠµx’µRa:1
tag.google.protobuf.FieldOptionsÑ† (	Rtag:3
nums.google.protobuf.FieldOptionsÒ† (Rnumsbproto3
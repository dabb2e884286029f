
8
a.proto google/protobuf/descriptor.proto"
Abproto3
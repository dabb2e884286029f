
k
a.proto google/protobuf/descriptor.proto:6
lib_a.google.protobuf.MessageOptionsІ (RlibAbproto3
k
b.proto google/protobuf/descriptor.proto:6
lib_b.google.protobuf.MessageOptionsІ (RlibBbproto3

r
a.proto google/protobuf/descriptor.proto"
M:Šµ:/
x.google.protobuf.MessageOptionsÑ† (Rxbproto3
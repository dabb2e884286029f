
Y
a.protogoogle/protobuf/empty.proto")
A$
e (2.google.protobuf.EmptyRebproto3
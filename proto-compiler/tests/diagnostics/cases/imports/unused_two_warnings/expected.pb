
C
a.protob.protod.protoc.proto"
A
d (2.DRdbproto3
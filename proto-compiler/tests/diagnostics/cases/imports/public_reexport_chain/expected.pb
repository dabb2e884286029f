
1
a.protob.proto"
A
d (2.DRdbproto3
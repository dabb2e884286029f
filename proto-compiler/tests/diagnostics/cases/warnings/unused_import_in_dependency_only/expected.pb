
1
a.protob.proto"
A
b (2.BRbbproto3
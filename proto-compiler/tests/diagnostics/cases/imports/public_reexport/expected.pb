
1
a.protob.proto"
A
c (2.CRcbproto3
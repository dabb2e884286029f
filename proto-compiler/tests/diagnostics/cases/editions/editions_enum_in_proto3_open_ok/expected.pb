
1
a.protoe.proto"
M
e (2.ERebproto3


a.proto"
Mbproto3
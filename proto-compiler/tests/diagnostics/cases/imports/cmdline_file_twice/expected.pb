

a.proto"
Abproto3


a.protob.proto"
Abproto3
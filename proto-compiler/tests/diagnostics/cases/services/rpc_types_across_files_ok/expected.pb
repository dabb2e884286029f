
y
s.protosvc.v1types.proto2Q
S$
A.svc.types.Req.svc.types.Resp&
B.svc.types.Req.svc.types.Resp0bproto3
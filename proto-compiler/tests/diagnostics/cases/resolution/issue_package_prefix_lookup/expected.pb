
:
p/other.protop.q.common.sub"
N
b (Rbbproto3
K
p/user.protop.qp/common.proto"
U
m (2.p.common.MRmbproto3
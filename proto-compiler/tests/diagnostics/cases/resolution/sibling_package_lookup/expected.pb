
~
a/b/c.protoa.b.c	a/x.proto"U
M
one (2.a.x.XRone
two (2.a.x.XRtwo
three (2.a.x.XRthreebproto3

€
a.protop"j
A
c (2.p.A.B.CRcH
BC
C
b (2.p.A.BRb
a (2.p.ARa
d (2.p.A.DRd
Dbproto3

9
a.protop"

M*dÉ:
x.p.Md (	Rxbeditionspè
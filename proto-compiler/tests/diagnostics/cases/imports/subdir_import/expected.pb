

	y/b.protoy"
Bbproto3
N
	x/a.protox	y/b.proto"+
A
b (2.y.BRb
c (2.y.BRcbproto3

J
a.proto"
M
e (2.ERe*
E
ONE
TWO:beditionspè
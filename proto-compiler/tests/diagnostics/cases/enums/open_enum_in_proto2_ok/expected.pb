
)
a.protoe.proto"
M
e (2.ERe
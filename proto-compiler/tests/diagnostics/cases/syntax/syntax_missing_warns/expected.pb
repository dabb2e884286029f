

a.proto"
M
a (Ra
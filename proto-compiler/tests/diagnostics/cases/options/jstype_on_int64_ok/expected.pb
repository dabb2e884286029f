
:
a.proto"'
M
a (B0Ra
b (B0Rbbproto3

6
a.proto"#
M
a·” (Ra
b œ (Rbbproto3
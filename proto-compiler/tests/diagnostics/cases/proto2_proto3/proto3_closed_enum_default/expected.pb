
,
a.protoe.proto"
M
e (2.E:BRe
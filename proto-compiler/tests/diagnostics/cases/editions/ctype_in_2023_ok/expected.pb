
-
a.proto"
M
s (	BRsbeditionspè
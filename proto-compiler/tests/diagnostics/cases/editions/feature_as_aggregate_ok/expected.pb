
@
a.proto"
M
s (	Rs
r (RrB’beditionspè
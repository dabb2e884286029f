
 
a.proto"
M
s (	:ÿþRs

 
a.proto"
M
a (BRa
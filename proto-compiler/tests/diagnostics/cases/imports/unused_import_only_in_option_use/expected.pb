
(
a.proto
opts.proto"	
A:ˆµbproto3
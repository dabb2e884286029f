
,
a.proto	opt.proto"	
M:ˆµbeditionspè
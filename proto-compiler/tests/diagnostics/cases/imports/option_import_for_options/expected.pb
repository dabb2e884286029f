
-
a.proto"	
A:ˆµbeditionspéz
opts.proto
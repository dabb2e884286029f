
	
a.proto

K
a.proto
feat.proto"
M
a (B	ªÚðRaB	’Úðbeditionspè
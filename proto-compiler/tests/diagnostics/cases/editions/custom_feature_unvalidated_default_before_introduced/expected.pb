
-
a.proto
feat.protoB	’Úðbeditionspé

-
a.proto
feat.protoB	’Úðbeditionspè

+
a.proto
feat.protoB’Øðbeditionspè
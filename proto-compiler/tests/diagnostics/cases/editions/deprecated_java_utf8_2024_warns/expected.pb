
X
a.proto#google/protobuf/java_features.proto"
M
s (	BªÊ>Rsbeditionspé

o
a.proto"google/protobuf/cpp_features.proto"3
M
s (	BªÂ>Rs
b (BªÂ>Rbbeditionspé
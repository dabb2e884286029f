
¨
a.protop google/protobuf/descriptor.proto"
O
a (Ra*dÉ"
M:
Šµ¢t:
tag.p.Od (	Rtag:5
o.google.protobuf.MessageOptionsÑ† (2.p.ORo
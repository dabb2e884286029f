
¯
a.proto google/protobuf/descriptor.proto"	
M:ˆµ:5
kept.google.protobuf.MessageOptionsÑ† (Rkept:@
dropped.google.protobuf.MessageOptionsÒ† (BˆRdropped
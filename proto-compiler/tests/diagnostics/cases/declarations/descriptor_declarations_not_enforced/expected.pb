
“
a.proto google/protobuf/descriptor.proto"

MyFeatures
x (Rx:=
mine.google.protobuf.FeatureSetè (2.MyFeaturesRminebeditionspè
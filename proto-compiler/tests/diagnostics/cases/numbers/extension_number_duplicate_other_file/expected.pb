
-
a.protom.protob.proto:
y.Md (Ry
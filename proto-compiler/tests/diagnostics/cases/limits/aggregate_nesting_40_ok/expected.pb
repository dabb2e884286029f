
è
a.proto google/protobuf/descriptor.proto"#
R
r (2.RRr
a (Ra"[
M:VŠµR
P
N
L
J
H
F
D
B
@
>
<
:
8
6
4
2
0
.
,
*
(
&
$
"
 















:9
deep.google.protobuf.MessageOptionsÑ† (2.RRdeep
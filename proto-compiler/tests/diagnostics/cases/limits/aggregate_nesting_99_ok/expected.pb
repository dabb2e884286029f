
…
a.proto google/protobuf/descriptor.proto"#
R
r (2.RRr
a (Ra"÷
M:ñŠµì
é
æ
ã
à
Ý
Ú
×
Ô
Ñ
Î
Ë
È
Å
Â
¿
¼
¹
¶
³
°
­
ª
§
¤
¡
ž
›
˜
•
’

Œ
‰
†
ƒ
€
~
|
z
x
v
t
r
p
n
l
j
h
f
d
b
`
^
\
Z
X
V
T
R
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
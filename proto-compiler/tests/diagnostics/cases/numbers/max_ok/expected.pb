
(
a.proto"
M
aÿÿÿÿ (Rabproto3

(
a.proto"
M
s (	:
\U00110000Rs

?
a.proto"4
M
fooBar (RfooBar
foo_bar (RfooBar

K
a.proto"8
M
fooBar (RfooBar
foo_bar (RfooBar:Xbproto3
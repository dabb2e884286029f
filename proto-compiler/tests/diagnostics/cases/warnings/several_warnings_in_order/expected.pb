
M
a.protob.proto"9
M
fooBar (RfooBar
foo_bar (RfooBarRa b

R
a.proto":
M
fooBar (RfooBar
foo_bar (RfooBar:b0beditionspè

P
a.protofoo.bar"
foo
a (Ra"
M
f (2.foo.bar.fooRfbproto3
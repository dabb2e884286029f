
R
a.protopkg"
Inner
X",
Outer
x (2.pkg.Inner.XRx
Innerbproto3
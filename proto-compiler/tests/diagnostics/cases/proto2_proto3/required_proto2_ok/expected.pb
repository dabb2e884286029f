
4
a.proto")
M
a (Ra
self (2.MRself
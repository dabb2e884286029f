
I
b.protoqa.proto:
x.p.Md (Rx:
msgs.p.Me (2.p.TRmsgs
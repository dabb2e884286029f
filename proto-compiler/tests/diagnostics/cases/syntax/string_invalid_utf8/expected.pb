

a.protoB
xÿþbproto3
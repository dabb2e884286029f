

a.proto"

M*dÉ
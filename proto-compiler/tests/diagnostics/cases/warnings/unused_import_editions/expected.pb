
$
a.protob.proto"
Abeditionspè

.
a.proto"
M2
S
Get.M.MBHbproto3
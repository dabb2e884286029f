
`
a.proto"U
M
item (
2.M.ItemRitem
other (2.M.ItemRother
Item
a (Ra

¢
a.proto"å
M!
result (
2	.M.ResultRresult
item (
2.M.ItemRitem€
Result
url (	Rurl
title (	:untitledRtitle+
snippet (
2.M.Result.SnippetRsnippet
Snippet
n (Rn
Item
id (Rid*dÉ"
Ext
ee (Re:
ext.Md (
2.ExtRext

G
a.proto"
map
map (Rmap"
M
map (2.mapRmapbproto3
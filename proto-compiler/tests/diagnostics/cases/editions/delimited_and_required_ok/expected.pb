
œ
a.proto"ƒ
M%
inner (2.M.InnerBª(Rinner
must (BªRmust%
items (2.M.InnerBª(Ritems
Inner
a (Rabeditionspè

J
a.protop"
M*€ìÊÿìÊÿ"
Ext:"
ext.p.M€ìÊÿ (2.p.ExtRext
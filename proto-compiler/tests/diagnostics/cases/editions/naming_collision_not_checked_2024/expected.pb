
ƒ
a.proto"k
M
foo (Rfoo
has_foo (RhasFoo
	foo_value (RfooValue

descriptor (R
descriptorbeditionspé
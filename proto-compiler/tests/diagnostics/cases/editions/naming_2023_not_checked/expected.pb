
F
a.protoMy.Pkg"&

my_message
myField (RmyFieldbeditionspè

-
a.proto"
MRnot an identifierRokbproto3
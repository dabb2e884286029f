#!/usr/bin/env python3
"""Generates the resource-bound inputs of bench/compiler-bounds/run.sh: gen.py DIR CASE[=N]..."""
import os, sys
base=sys.argv[1]
def w(case, name, text):
    p=os.path.join(base,case,name); os.makedirs(os.path.dirname(p),exist_ok=True)
    open(p,'w').write(text)
def chain(n):
    c=f'chain{n}'
    for i in range(n):
        imp=f'import "f{i+1}.proto";\n' if i+1<n else ''
        w(c,f'f{i}.proto',f'syntax = "proto3";\n{imp}message M{i} {{}}\n')
def cycle(n):
    c=f'cycle{n}'
    for i in range(n):
        w(c,f'f{i}.proto',f'syntax = "proto3";\nimport "f{(i+1)%n}.proto";\nmessage M{i} {{}}\n')
def package(n):
    w(f'package{n}','a.proto','syntax = "proto3";\npackage '+'.'.join('p' for _ in range(n))+';\nmessage M {}\n')
def fields(n):
    w(f'fields{n}','a.proto','syntax = "proto3";\nmessage M {\n'+''.join(f'  int32 f{i} = {i+1};\n' for i in range(n))+'}\n')
def ident(n):
    w(f'ident{n}','a.proto','syntax = "proto3";\nmessage '+'A'*n+' {}\n')
def messages(n):
    w(f'messages{n}','a.proto','syntax = "proto3";\n'+''.join(f'message M{i} {{ int32 a = 1; }}\n' for i in range(n)))
def groups(n):
    s='syntax = "proto2";\nmessage M {\n'
    for i in range(n): s+=f'optional group G{i} = 1 {{\n'
    s+='}\n'*n+'}\n'
    w(f'groups{n}','a.proto',s)
def nested(n):
    s='syntax = "proto3";\n'+''.join(f'message N{i} {{\n' for i in range(n))+'}\n'*n
    w(f'nested{n}','a.proto',s)
def aggregate(n):
    s='syntax = "proto2";\nimport "google/protobuf/descriptor.proto";\nmessage R { optional R r = 1; }\nextend google.protobuf.FileOptions { optional R o = 50000; }\noption (o) = '+'{ r '*n+'}'*n+';\n'
    w(f'aggregate{n}','a.proto',s)
def undefined(n):
    w(f'undefined{n}','a.proto','syntax = "proto3";\nmessage M {\n'+''.join(f'  X{i} f{i} = {i+1};\n' for i in range(n))+'}\n')
def wide_imports(n):
    c=f'wide{n}'
    w(c,'a.proto','syntax = "proto3";\n'+''.join(f'import "d{i}.proto";\n' for i in range(n))+''.join(f'message A{i} {{ D{i} d = 1; }}\n' for i in range(n)))
    for i in range(n): w(c,f'd{i}.proto',f'syntax = "proto3";\nmessage D{i} {{}}\n')
def bom():
    w('bom','a.proto','\ufeffsyntax = "proto3";\nmessage M {}\n')
def longline(n):
    w(f'longline{n}','a.proto','syntax = "proto3";\nmessage M { '+' '*n+'int32 x = ; }\n')
for spec in sys.argv[2:]:
    name,_,arg=spec.partition('=')
    f=globals()[name]
    f(int(arg)) if arg else f()

#!/usr/bin/env python3
"""Imports a generated (prefixed) tree with a real protobuf runtime and exercises it.

Usage: runtime_check.py TREE CORPUS [--map ROOT_MODULE=PY_PREFIX ...] [--backend upb|python]

  TREE     output root put first on sys.path (holds e.g. ameide_sdk/proto/ameide_core_proto/...)
  CORPUS   which corpus the tree was generated from: `corpus` (tests/corpus) or `extra` (tests/corpus-extra)
  --map    a prefix mapping the tree was generated with, as module paths (ameide_core_proto=ameide_sdk.proto);
           repeatable. Modules under a mapped root are imported ONLY under their prefixed name, and the check
           fails if any unprefixed module of a mapped root gets imported.
  --backend  the protobuf backend that must be active (set PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION yourself)

Checks: every *_pb2.py / *_pb2_grpc.py module imports (except reference outputs known to be invalid Python);
every top-level message class has __module__ == its (prefixed) module, constructs, serialises and pickles;
corpus-specific round trips, custom options, defaults, extensions and editions semantics; no unprefixed module of
a mapped root was imported. Prints one line per problem and a summary; exit status 1 on any failure.
"""
import argparse
import importlib
import math
import os
import pickle
import sys
import traceback

ap = argparse.ArgumentParser()
ap.add_argument("tree")
ap.add_argument("corpus", choices=["corpus", "extra"])
ap.add_argument("--map", action="append", default=[])
ap.add_argument("--backend", choices=["upb", "python"])
args = ap.parse_args()

TREE = os.path.abspath(args.tree)
MAPS = dict(m.split("=", 1) for m in args.map)  # root module -> python prefix
sys.path.insert(0, TREE)
sys.dont_write_bytecode = True

from google.protobuf.internal import api_implementation  # noqa: E402

BACKEND = api_implementation.Type()
if args.backend and BACKEND != args.backend:
    print("WRONG BACKEND: wanted %s, running %s" % (args.backend, BACKEND))
    sys.exit(1)

# Reference outputs that are not valid Python (kept for byte parity: the reference writes them too).
KNOWN_INVALID = {
    "corpus": {
        "ameide_core_proto/edge/v1/invalid_python_pb2_grpc.py",  # `"""` inside a service comment
        # the grpc plugin does not special-case keyword module paths: `from ...import.v1 import ...`
        "ameide_core_proto/import/v1/keywords_pb2_grpc.py",
        "ameide_core_proto/platform/v1/consumer_pb2_grpc.py",
    },
    "extra": {
        # `from ameide_core_proto.extra.lambda.v1 import ...` (keyword `lambda`)
        "ameide_core_proto/extra/lambda/v1/keyword_names_pb2_grpc.py",
        "ameide_core_proto/extra/nested/v1/nested_pb2_grpc.py",
    },
}[args.corpus]
if BACKEND == "python" and args.corpus == "corpus":
    # a field named DESCRIPTOR breaks the pure-Python runtime
    KNOWN_INVALID.add("ameide_core_proto/edge/v1/invalid_python_pb2.py")
if BACKEND == "upb" and args.corpus == "extra":
    # upb rejects the denormal default texts protoc embeds ("Invalid default '4.94065645841247e-324'")
    KNOWN_INVALID.add("ameide_core_proto/extra/defaults/v1/float_denormals_pb2.py")

# Message classes the reference itself makes unusable (a field named DESCRIPTOR shadows the class attribute).
KNOWN_BROKEN_CLASSES = {"ameide_core_proto.edge.v1.invalid_python_pb2.Holder"}

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def mapped(module):
    """The python prefix of an (unprefixed) module path, or None."""
    best = None
    for root, prefix in MAPS.items():
        if module == root or module.startswith(root + "."):
            if best is None or len(root) > len(best[0]):
                best = (root, prefix)
    return best[1] if best else None


def unprefixed(name):
    """Inverse of P()."""
    for root, prefix in MAPS.items():
        if name.startswith(prefix + "." + root + ".") or name == prefix + "." + root:
            return name[len(prefix) + 1:]
    return name


def P(module):
    """Module path as imported from the tree."""
    prefix = mapped(module)
    return prefix + "." + module if prefix else module


# --- import everything -------------------------------------------------------------------------------------------
mods = {}
for dirpath, _, files in os.walk(TREE):
    for f in sorted(files):
        if not (f.endswith("_pb2.py") or f.endswith("_pb2_grpc.py")):
            continue
        rel = os.path.relpath(os.path.join(dirpath, f), TREE).replace(os.sep, "/")
        if any(rel.endswith(k) for k in KNOWN_INVALID):
            continue
        name = rel[:-3].replace("/", ".")
        try:
            mods[name] = importlib.import_module(name)
        except Exception as e:  # noqa: BLE001
            fail("import %s: %s: %s" % (name, type(e).__name__, e))
print("imported %d modules (backend %s)" % (len(mods), BACKEND))

# A module's file must sit at its prefixed module path: the tree must not hold unprefixed copies of mapped roots.
for name in mods:
    for root, prefix in MAPS.items():
        if name == root or name.startswith(root + "."):
            fail("module %s of mapped root %s is in the tree without its prefix %s" % (name, root, prefix))

# --- every top-level message: __module__, construction, serialisation, pickle ------------------------------------
checked = 0
for name, mod in sorted(mods.items()):
    if not name.endswith("_pb2"):
        continue
    for msg_name in mod.DESCRIPTOR.message_types_by_name:
        cls = getattr(mod, msg_name, None)
        if cls is None:
            fail("%s has no class %s" % (name, msg_name))
            continue
        if cls.__module__ != name:
            fail("%s.%s.__module__ == %r" % (name, msg_name, cls.__module__))
        if unprefixed(name) + "." + msg_name in KNOWN_BROKEN_CLASSES:
            continue
        try:
            msg = cls()
            again = cls()
            again.MergeFromString(msg.SerializePartialToString())  # partial: proto2/editions required fields
            assert again == msg
            back = pickle.loads(pickle.dumps(msg))
            assert type(back) is cls and back == msg
        except Exception as e:  # noqa: BLE001
            fail("%s.%s: %s: %s" % (name, msg_name, type(e).__name__, e))
        checked += 1
print("checked %d message classes (__module__, round trip, pickle)" % checked)


def m(module):
    return mods[P(module)]


def check(label, fn):
    try:
        fn()
    except Exception:  # noqa: BLE001
        fail("%s:\n%s" % (label, traceback.format_exc()))


# --- corpus-specific checks ---------------------------------------------------------------------------------------
def corpus_platform():
    plat = m("ameide_core_proto.platform.v1.platform_pb2")
    opts = m("ameide_core_proto.common.v1.options_pb2")
    org = plat.Organization(
        id="o1", display_name="Acme", tier=plat.Organization.TIER_ENTERPRISE,
        member_ids=["a", "b"], tier_by_year={2024: plat.Organization.TIER_FREE},
        child_settings={"x": plat.Organization.Settings(sso_enabled=True, labels={"k": "v"})},
        contact_email="x@y", user_id="u1", quota=0,
    )
    org.created_at.GetCurrentTime()
    org.parent.tenant_id = "t"
    org.deadlines["d"].seconds = 5
    back = plat.Organization.FromString(org.SerializeToString())
    assert back == org and back.HasField("quota") and back.WhichOneof("owner") == "user_id"
    from google.protobuf import json_format
    js = json_format.MessageToDict(org)
    assert js.get("name") == "Acme", js  # explicit json_name
    o = plat.Organization.DESCRIPTOR.fields_by_name["contact_email"].GetOptions()
    assert o.Extensions[opts.sensitivity] == opts.SENSITIVITY_PII
    assert list(o.Extensions[opts.labels]) == ["b", "a"]
    assert not o.HasExtension(opts.doc_only), "source-retention option must be stripped"
    kw = plat.KeywordFields(**{"from": "f", "class": "c", "str": "s"})
    assert getattr(kw, "from") == "f"
    p = pickle.loads(pickle.dumps(org))
    assert p == org and type(p).__module__ == P("ameide_core_proto.platform.v1.platform_pb2")
    print("pickled Organization; __module__ =", type(p).__module__)


def corpus_services_and_legacy():
    agents = m("ameide_core_proto.agents.v1.agents_pb2")
    grpc_mod = m("ameide_core_proto.agents.v1.agents_pb2_grpc")
    assert hasattr(grpc_mod, "AgentServiceStub") and hasattr(grpc_mod, "add_AgentServiceServicer_to_server")
    ag = agents.Agent(id="a")
    assert agents.Agent.FromString(ag.SerializeToString()) == ag
    legacy = m("ameide_core_proto.legacy.v1.legacy_pb2")
    lg = legacy.Legacy(id="x")
    assert lg.count == 42 and lg.kind == legacy.Legacy.KIND_B and lg.name.startswith("unnamed")
    lg.Extensions[legacy.ext_note] = "n"
    lg.Extensions[legacy.Holder.holder_ext].value = "h"
    assert legacy.Legacy.FromString(lg.SerializeToString()) == lg
    ed = m("ameide_core_proto.editions.v1.editions_pb2")
    t = ed.Thing(name="n", count=0, legacy_required=1)
    assert t.HasField("count") and ed.Thing.FromString(t.SerializeToString()) == t
    common = m("ameide_core_proto.common.v1.common_pb2")
    assert common.Audit is m("ameide_core_proto.common.v1.types_pb2").Audit  # public import re-export
    gs = m("ameide_core_proto.edge.v1.generic_services_pb2")
    assert gs.DESCRIPTOR.services_by_name


def extra_defaults():
    d = m("ameide_core_proto.extra.defaults.v1.float_defaults_pb2")
    dd, fd = d.DoubleDefaults(), d.FloatDefaults()
    assert dd.d_0p1 == 0.1 and dd.d_1e6 == 1e6 and dd.d_1eneg_7 == 1e-7 and dd.d_123456789 == 123456789
    assert math.isnan(dd.d_nan) and dd.d_inf == math.inf and dd.d_neg_inf == -math.inf
    assert dd.d_neg_0 == 0 and math.copysign(1, dd.d_neg_0) == -1
    assert dd.d_1p7976931348623157e308 == 1.7976931348623157e308
    import struct
    f32 = lambda x: struct.unpack("f", struct.pack("f", x))[0]  # noqa: E731
    # float defaults: upb rounds to float32, the pure-Python backend keeps the double parse of the text
    f_eq = lambda a, b: math.isclose(a, f32(b), rel_tol=1e-6)  # noqa: E731
    assert f_eq(fd.f_0p1, 0.1) and f_eq(fd.f_3p4028235e38, 3.4028235e38) and f_eq(fd.f_1eneg_7, 1e-7)
    assert math.isnan(fd.f_nan) and fd.f_neg_inf == -math.inf and math.copysign(1, fd.f_neg_0) == -1
    assert f_eq(fd.nested.nested_tenth, 0.1)
    assert f_eq(dd.Extensions[d.ext_float_tenth], 0.1) and dd.Extensions[d.ext_double_neg_inf] == -math.inf
    if BACKEND == "python":
        dn = m("ameide_core_proto.extra.defaults.v1.float_denormals_pb2").Denormals()
        assert dn.d_min_denormal == 5e-324 and dn.d_denormal == 1e-310 and dn.d_neg_denormal == -4e-320
        assert f_eq(dn.f_min_denormal, 1e-45) and f_eq(dn.f_denormal, 1e-40) and f_eq(dn.f_neg_denormal, -1e-42)


def extra_options():
    defs = m("ameide_core_proto.extra.options.v1.option_defs_pb2")
    uses = m("ameide_core_proto.extra.options.v1.option_uses_pb2")
    fo = uses.DESCRIPTOR.GetOptions()
    assert fo.Extensions[defs.file_int64] == -9223372036854775808
    assert fo.Extensions[defs.file_uint64] == 18446744073709551615
    assert fo.Extensions[defs.file_bytes] == b"\x00\x01\xff"
    assert fo.Extensions[defs.file_string] == 'file "quoted" \\ back'
    assert fo.Extensions[defs.file_message].child.name == "c" and fo.deprecated
    mo = uses.AllOptions.DESCRIPTOR.GetOptions()
    assert mo.Extensions[defs.msg_string] == "ünïcödé ✓" and mo.Extensions[defs.msg_enum] == defs.COLOR_BLUE
    fo = uses.AllOptions.DESCRIPTOR.fields_by_name["plain"].GetOptions()
    assert fo.Extensions[defs.field_fixed32] == 3735928559 and fo.Extensions[defs.field_double] == -math.inf
    oo = uses.AllOptions.DESCRIPTOR.oneofs_by_name["choice"].GetOptions()
    assert math.isnan(oo.Extensions[defs.oneof_double]) and list(oo.Extensions[defs.oneof_message].tags) == ["x", "y", "z"]
    so = uses.DESCRIPTOR.services_by_name["OptionService"]
    assert so.GetOptions().Extensions[defs.svc_string] == "svc"
    assert so.methods_by_name["Call"].GetOptions().Extensions[defs.method_int32] == 1
    ev = uses.UsedEnum.DESCRIPTOR.values_by_name["USED_ENUM_UNSPECIFIED"].GetOptions()
    assert ev.Extensions[defs.enumval_enum] == defs.COLOR_RED
    msg = uses.AllOptions(plain=3, number=7)
    msg.Extensions[uses.all_note] = "n"
    assert uses.AllOptions.FromString(msg.SerializeToString()) == msg


def extra_retention():
    r = m("ameide_core_proto.extra.options.v1.nested_retention_pb2")
    fo = r.DESCRIPTOR.GetOptions().Extensions[r.file_policy]
    assert fo.owner == "platform" and not fo.HasField("internal_note"), "source-retention field inside option value"
    assert fo.inner.level == 1 and not fo.inner.HasField("secret")
    a = r.Guarded.DESCRIPTOR.fields_by_name["a"].GetOptions().Extensions[r.field_policy]
    assert a.owner == "a" and not a.HasField("internal_note") and not a.inner.HasField("secret")
    c = r.Guarded.DESCRIPTOR.fields_by_name["c"].GetOptions()
    assert not c.HasExtension(r.field_source_only)
    mo = r.Guarded.DESCRIPTOR.GetOptions()
    assert mo.HasExtension(r.msg_policy) and mo.Extensions[r.msg_policy] == r.Policy()


def extra_editions_and_names():
    e23 = m("ameide_core_proto.extra.editions.v1.features2023_pb2")
    e24 = m("ameide_core_proto.extra.editions.v1.features2024_pb2")
    f = e23.Features2023(implicit_name="", required_id=1)
    assert not f.HasField("explicit_count") and f.explicit_count == 7 and f.ratio == 0.1
    f.delimited_child.x = 0
    f.closed_kind = e23.CLOSED_KIND_TWO
    assert e23.Features2023.FromString(f.SerializeToString()) == f
    g = e24.Features2024(name="n", a="x")
    g.child.lower_snake_OK = 1
    assert e24.Features2024.FromString(g.SerializeToString()) == g and g.WhichOneof("Choice") == "a"
    kw = m("ameide_core_proto.extra.lambda.v1.keyword_names_pb2")
    klass = getattr(kw, "class")
    c = klass(**{"yield": "y", "import": "i"})
    getattr(c, "defs").add(**{"from": "f"})
    assert klass.FromString(c.SerializeToString()) == c
    assert getattr(klass, "def").__module__ == P("ameide_core_proto.extra.lambda.v1.keyword_names_pb2")
    nested = m("ameide_core_proto.extra.nested.v1.nested_pb2")
    vendor = m("extra_vendor.v1.vendor_pb2")
    o = nested.Outer()
    o.middle.inner.leaf.self_ref.top.id = "x"
    o.middle.inners["k"].other_leaf.level = nested.Outer.Middle.LEVEL_MIDDLE
    o.vendor.kind = vendor.VENDOR_KIND_A
    o.wrapper.thing.at.seconds = 1
    o.kinds["a"] = vendor.VENDOR_KIND_A
    setattr(o.keyword_msg, "yield", "y")
    assert nested.Outer.FromString(o.SerializeToString()) == o
    assert nested.VendorThing is vendor.VendorThing  # public import re-export across roots
    assert pickle.loads(pickle.dumps(o)) == o


if args.corpus == "corpus":
    check("platform", corpus_platform)
    check("services/legacy/editions", corpus_services_and_legacy)
else:
    check("float/double defaults", extra_defaults)
    check("custom options of every type", extra_options)
    check("nested source retention", extra_retention)
    check("editions / keyword names / nesting", extra_editions_and_names)

# --- no unprefixed module of a mapped root ------------------------------------------------------------------------
for root in MAPS:
    leaked = sorted(n for n in sys.modules if n == root or n.startswith(root + "."))
    if leaked:
        fail("unprefixed modules of root %s were imported: %s" % (root, leaked[:5]))
    else:
        print("no unprefixed %s.* module was imported" % root)

print("%d failure(s)" % len(failures) if failures else "runtime check OK")
sys.exit(1 if failures else 0)

#!/usr/bin/env python3
"""A gRPC round trip through output generated for an OLDER runtime (protoc_version= / grpc_version=), on loopback.

Usage: versions_roundtrip.py TREE [--prefix ameide_sdk.proto] [--expect-protobuf X.Y.Z] [--expect-grpc X.Y.Z]

  TREE               output root put first on sys.path
  --prefix           the Python prefix of ameide_core_proto ("" for an unprefixed tree)
  --expect-protobuf  the protobuf runtime version that must be running (the point is an OLD runtime)
  --expect-grpc      the grpcio version that must be running

Serves `ameide_core_proto.versions.v1.Clock` (tests/corpus-versions/.../switches.proto) through the generated
`add_ClockServicer_to_server` on 127.0.0.1 with an ephemeral port and calls it through the generated `ClockStub`:
Now (unary) and Watch (server streaming), with Timestamp/Duration/map/oneof/optional values. Every call has a
deadline. Prints one line per check; exit status 1 on any failure.
"""
import argparse
import faulthandler
import importlib
import sys
from concurrent import futures

ap = argparse.ArgumentParser()
ap.add_argument("tree")
ap.add_argument("--prefix", default="")
ap.add_argument("--expect-protobuf")
ap.add_argument("--expect-grpc")
args = ap.parse_args()
sys.path.insert(0, args.tree)
sys.dont_write_bytecode = True
faulthandler.dump_traceback_later(120, exit=True)

import grpc  # noqa: E402
from google.protobuf import __version__ as protobuf_version  # noqa: E402
from google.protobuf.internal import api_implementation  # noqa: E402

failures = []


def check(label, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + label + (": " + str(detail) if detail and not ok else ""))
    if not ok:
        failures.append(label)


check("protobuf runtime %s" % protobuf_version,
      args.expect_protobuf is None or protobuf_version == args.expect_protobuf, args.expect_protobuf)
check("grpcio runtime %s" % grpc.__version__,
      args.expect_grpc is None or grpc.__version__ == args.expect_grpc, args.expect_grpc)
print("backend", api_implementation.Type())

base = (args.prefix + "." if args.prefix else "") + "ameide_core_proto.versions.v1."
pb2 = importlib.import_module(base + "switches_pb2")
pb2_grpc = importlib.import_module(base + "switches_pb2_grpc")
check("message module", pb2.Times.__module__ == base + "switches_pb2", pb2.Times.__module__)


class Clock(pb2_grpc.ClockServicer):
    def Now(self, request, context):
        t = pb2.Times(steps=[{"seconds": 1}, {"seconds": 2, "nanos": 5}])
        t.at.FromSeconds(1700000000)
        t.ttl.FromSeconds(90)
        t.deadlines["a"].FromSeconds(1)
        t.after.FromSeconds(3)
        return t

    def Watch(self, request, context):
        for i, bit in enumerate(request.bits):
            t = pb2.Times()
            t.start.FromSeconds(i if bit else -i)
            yield t


server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
pb2_grpc.add_ClockServicer_to_server(Clock(), server)
port = server.add_insecure_port("127.0.0.1:0")
server.start()
try:
    with grpc.insecure_channel("127.0.0.1:%d" % port) as channel:
        stub = pb2_grpc.ClockStub(channel)
        now = stub.Now(pb2.Empty(), timeout=10)
        check("unary Now: timestamp", now.at.seconds == 1700000000, now)
        check("unary Now: optional duration", now.HasField("ttl") and now.ttl.seconds == 90, now)
        check("unary Now: repeated duration", [s.seconds for s in now.steps] == [1, 2], now)
        check("unary Now: map of timestamps", now.deadlines["a"].seconds == 1, now)
        check("unary Now: oneof", now.WhichOneof("when") == "after" and now.after.seconds == 3, now)
        check("unary Now: round trip", pb2.Times.FromString(now.SerializeToString()) == now)
        flags = pb2.Flags(on=True, maybe=False, bits=[True, False, True], named={"x": True})
        check("optional bool presence", flags.HasField("maybe") and not flags.maybe, flags)
        seen = [t.start.seconds for t in stub.Watch(flags, timeout=10)]
        check("server streaming Watch", seen == [0, -1, 2], seen)
finally:
    server.stop(None)

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)

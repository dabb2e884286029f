#!/usr/bin/env python3
"""A real gRPC round trip through the generated (prefixed) modules, on loopback.

Usage: grpc_roundtrip.py TREE [--root ameide_core_proto] [--prefix ameide_sdk.proto] [--backend upb|python]
                         [--timeout SECONDS]

  TREE      output root put first on sys.path (holds ameide_sdk/proto/ameide_core_proto/...)
  --root    the proto root module that was prefixed
  --prefix  the Python prefix it was put under ("" for an unprefixed tree)
  --decoy   a tree appended to sys.path, so that a stray unprefixed import would succeed silently
  --backend the protobuf backend that must be active (set PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION yourself)
  --timeout deadline of each call and wait, in seconds (default 10); the whole script is ended after 6 times that

Serves `ameide_core_proto.agents.v1.AgentService` (tests/corpus/ameide_core_proto/agents/v1/agents.proto) with a
servicer registered through the generated `add_AgentServiceServicer_to_server`, on 127.0.0.1 with an ephemeral port,
and calls it through the generated `AgentServiceStub`: GetAgent (unary, plus an aborted call), ListAgents (server
streaming), UploadAgents (client streaming), Chat (bidi streaming) and Filter (nested request type, response type
from a package-mismatched file). Checks the results, the message classes (from the prefixed modules), the method
paths seen by the server (the proto package, never the Python prefix) and that no unprefixed module of the root
was imported. Every call has a deadline; a watchdog ends the process if anything hangs.

Prints one line per check; exit status 1 on any failure.
"""
import argparse
import datetime
import faulthandler
import importlib
import os
import sys
import threading
from concurrent import futures

ap = argparse.ArgumentParser()
ap.add_argument("tree")
ap.add_argument("--root", default="ameide_core_proto")
ap.add_argument("--prefix", default="ameide_sdk.proto")
ap.add_argument("--decoy", help="a tree appended to sys.path (e.g. the unprefixed reference): a stray unprefixed "
                "import then succeeds silently, and only the sys.modules check can catch it")
ap.add_argument("--backend", choices=["upb", "python"], help="the protobuf backend that must be active")
ap.add_argument("--timeout", type=float, default=10.0, help="deadline of each call / wait (seconds)")
args = ap.parse_args()

TREE = os.path.abspath(args.tree)
sys.path.insert(0, TREE)
if args.decoy:
    sys.path.append(os.path.abspath(args.decoy))
sys.dont_write_bytecode = True
# whatever happens (a stuck call, a server that does not stop), the process ends with a traceback
faulthandler.dump_traceback_later(6 * args.timeout, exit=True)

import grpc  # noqa: E402
from google.protobuf import empty_pb2  # noqa: E402
from google.protobuf.internal import api_implementation  # noqa: E402

BACKEND = api_implementation.Type()
print("protobuf backend: %s, grpc %s" % (BACKEND, grpc.__version__))
if args.backend and BACKEND != args.backend:
    print("WRONG BACKEND: wanted %s, running %s" % (args.backend, BACKEND))
    sys.exit(1)

T = args.timeout
PKG = args.root + ".agents.v1"  # the proto package: the prefix never changes wire names
ROOT_MOD = (args.prefix + "." if args.prefix else "") + args.root  # the root as Python sees it
MOD = ROOT_MOD + ".agents.v1"
failures = []


def check(what, ok, detail=""):
    print("%s: %s%s" % ("ok" if ok else "FAIL", what, (" (%s)" % detail) if detail and not ok else ""))
    if not ok:
        failures.append(what)


agents_pb2 = importlib.import_module(MOD + ".agents_pb2")
agents_pb2_grpc = importlib.import_module(MOD + ".agents_pb2_grpc")
platform_pb2 = importlib.import_module(ROOT_MOD + ".platform.v1.platform_pb2")
mismatch_pb2 = importlib.import_module(ROOT_MOD + ".misc.v1.mismatch_pb2")
for module in (agents_pb2, agents_pb2_grpc, platform_pb2, mismatch_pb2):
    check(
        "%s loaded from the tree" % module.__name__,
        os.path.abspath(module.__file__).startswith(TREE + os.sep),
        module.__file__,
    )

NOW = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


class AgentService(agents_pb2_grpc.AgentServiceServicer):
    def __init__(self):
        self.uploaded = []

    def GetAgent(self, request, context):
        if request.id == "missing":
            context.abort(grpc.StatusCode.NOT_FOUND, "no agent %s" % request.id)
        agent = agents_pb2.Agent(id=request.id, created_at=NOW)
        agent.org.display_name = "org of " + request.id
        agent.org.member_ids.extend(["m1", "m2"])
        agent.note.body = "note"
        return agent

    def ListAgents(self, request, context):
        for i in range(request.page_size):
            yield agents_pb2.Agent(id="agent-%d" % i)

    def UploadAgents(self, request_iterator, context):
        for agent in request_iterator:
            self.uploaded.append(agent.id)
        return empty_pb2.Empty()

    def Chat(self, request_iterator, context):
        for chunk in request_iterator:
            yield agents_pb2.ChatChunk(text=chunk.text.upper(), seq=chunk.seq + 100)

    def Filter(self, request, context):
        return mismatch_pb2.Note(body="filtered: " + request.query)


class MethodRecorder(grpc.ServerInterceptor):
    def __init__(self):
        self.methods = []
        self.lock = threading.Lock()

    def intercept_service(self, continuation, handler_call_details):
        with self.lock:
            self.methods.append(handler_call_details.method)
        return continuation(handler_call_details)


servicer = AgentService()
recorder = MethodRecorder()
server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), interceptors=[recorder])
agents_pb2_grpc.add_AgentServiceServicer_to_server(servicer, server)
port = server.add_insecure_port("127.0.0.1:0")
check("server bound to an ephemeral port", port > 0, str(port))
server.start()
channel = grpc.insecure_channel("127.0.0.1:%d" % port)
try:
    grpc.channel_ready_future(channel).result(timeout=T)
    stub = agents_pb2_grpc.AgentServiceStub(channel)

    # unary
    agent = stub.GetAgent(agents_pb2.GetAgentRequest(id="a1"), timeout=T)
    check("GetAgent returns the generated Agent class", type(agent) is agents_pb2.Agent, repr(type(agent)))
    check("GetAgent result", (agent.id, agent.org.display_name, list(agent.org.member_ids), agent.note.body)
          == ("a1", "org of a1", ["m1", "m2"], "note"), str(agent))
    check("GetAgent Timestamp field", agent.created_at.ToDatetime(tzinfo=datetime.timezone.utc) == NOW,
          str(agent.created_at))
    check("field of a message type from another module", type(agent.org) is platform_pb2.Organization
          and type(agent.org).__module__ == ROOT_MOD + ".platform.v1.platform_pb2", type(agent.org).__module__)

    # unary, aborted by the server
    try:
        stub.GetAgent(agents_pb2.GetAgentRequest(id="missing"), timeout=T)
        check("GetAgent(missing) raises NOT_FOUND", False, "no error")
    except grpc.RpcError as e:
        check("GetAgent(missing) raises NOT_FOUND", e.code() == grpc.StatusCode.NOT_FOUND
              and e.details() == "no agent missing", "%s %s" % (e.code(), e.details()))

    # server streaming
    listed = [a.id for a in stub.ListAgents(agents_pb2.ListAgentsRequest(page_size=3), timeout=T)]
    check("ListAgents streams 3 agents", listed == ["agent-0", "agent-1", "agent-2"], repr(listed))

    # client streaming
    empty = stub.UploadAgents(iter([agents_pb2.Agent(id="u%d" % i) for i in range(4)]), timeout=T)
    check("UploadAgents returns Empty", type(empty) is empty_pb2.Empty, repr(type(empty)))
    check("UploadAgents delivered the stream", servicer.uploaded == ["u0", "u1", "u2", "u3"], repr(servicer.uploaded))

    # bidi streaming
    chunks = [agents_pb2.ChatChunk(text=t, seq=i) for i, t in enumerate(["hello", "grpc"])]
    replies = [(c.text, c.seq) for c in stub.Chat(iter(chunks), timeout=T)]
    check("Chat echoes the stream", replies == [("HELLO", 100), ("GRPC", 101)], repr(replies))

    # nested request type, response type from a file whose package differs from its directory
    note = stub.Filter(agents_pb2.ListAgentsRequest.Filter(query="q"), timeout=T)
    check("Filter result", note.body == "filtered: q" and type(note) is mismatch_pb2.Note, str(note))

    expected_paths = ["/%s.AgentService/%s" % (PKG, m)
                      for m in ["GetAgent", "GetAgent", "ListAgents", "UploadAgents", "Chat", "Filter"]]
    check("method paths use the proto package", recorder.methods == expected_paths, repr(recorder.methods))
except grpc.RpcError as e:
    check("RPC round trip", False, "%s: %s" % (e.code(), e.details()))
except grpc.FutureTimeoutError:
    check("channel ready within %ss" % T, False, "timeout")
finally:
    channel.close()
    check("server stopped within %ss" % T, server.stop(grace=1.0).wait(timeout=T))

if args.prefix:
    unprefixed = sorted(m for m in sys.modules if m == args.root or m.startswith(args.root + "."))
    check("no unprefixed %s.* module imported" % args.root, not unprefixed, ", ".join(unprefixed))
    prefixed = sorted(m for m in sys.modules if m.startswith(args.prefix + "." + args.root + "."))
    print("prefixed modules imported: %s" % ", ".join(prefixed))

faulthandler.cancel_dump_traceback_later()
print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)

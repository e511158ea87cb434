#!/usr/bin/env python3
"""A hostile Technitium stand-in for memory measurements: session/get answers as a v15.2 server
(the token is accepted in the Bearer header), and every other API path answers a valid JSON body
of nearly `--size` bytes, chunked, so the exporter must buffer each whole answer before parsing it.
Used by scripts/memory-budget.sh.

Shapes (`--shape`):
  padding  one long string the parser skips: the bodies being read are the whole cost;
  lists    the lists the exporter parses, each filled with the smallest elements that parse
           (zones, DHCP scopes and leases, top entries, chart labels, forwarders, cluster nodes):
           what the bodies parse into costs several times the body;
  nodes    as lists, and session/get's own cluster node list is one such body too.

Usage: hostile_upstream.py --port N --token T --session FILE [--size BYTES] [--shape SHAPE]
"""
import argparse
import http.server
import json
import socketserver
import sys

PADDING = (b'{"status":"ok","response":{"stats":{},"pad":"', b"a", b'"}}')

# path prefix -> (head, one element, tail): the body is head, elements joined by ",", tail.
LISTS = {
    "/api/zones/list": (b'{"status":"ok","response":{"zones":[', b'{"name":"a","type":"b"}', b"]}}"),
    "/api/dhcp/leases/list": (b'{"status":"ok","response":{"leases":[', b'{"scope":"a","type":"b"}', b"]}}"),
    "/api/dhcp/scopes/list": (
        b'{"status":"ok","response":{"scopes":[',
        b'{"name":"a","startingAddress":"","endingAddress":""}',
        b"]}}",
    ),
    "/api/dashboard/stats/getTop": (b'{"status":"ok","response":{"topClients":[', b'{"name":"a","hits":0}', b"]}}"),
    "/api/dashboard/stats/get": (b'{"status":"ok","response":{"stats":{},"mainChartData":{"labels":[', b'"a"', b"]}}}"),
    "/api/settings/get": (b'{"status":"ok","response":{"forwarders":[', b'"a"', b"]}}"),
    "/api/admin/cluster/state": (
        b'{"status":"ok","response":{"version":"15.2","clusterInitialized":true,"clusterNodes":[',
        b'{"name":"a"}',
        b"]}}",
    ),
}


def session_with_nodes(session):
    """session/get's head and tail around a cluster node list, from a recorded answer."""
    doc = json.loads(session)
    doc["info"]["clusterNodes"] = ["@@"]
    head, tail = json.dumps(doc).encode().split(b'"@@"')
    return head, b'{"name":"a"}', tail


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--session", required=True, help="a recorded session/get answer")
    p.add_argument("--size", type=int, default=63 * 1024 * 1024)
    p.add_argument("--shape", choices=["padding", "lists", "nodes"], default="padding")
    args = p.parse_args()
    session = open(args.session, "rb").read()
    nodes_session = session_with_nodes(session) if args.shape == "nodes" else None

    def parts(head, element, tail):
        """The body in pieces of about 1 MiB: head, elements separated by commas, tail."""
        sep = b"," if element != b"a" else b""
        n = max(1, (args.size - len(head) - len(tail)) // (len(element) + len(sep)))
        per_piece = max(1, (1024 * 1024) // (len(element) + len(sep)))
        piece = (element + sep) * per_piece
        yield head
        left = n
        while left > per_piece:
            yield piece
            left -= per_piece
        yield (element + sep) * (left - 1) + element
        yield tail

    def shape_for(path):
        if args.shape == "padding":
            return PADDING
        for prefix, shape in LISTS.items():
            if path.startswith(prefix):
                return shape
        return PADDING

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def send_chunked(self, pieces):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for part in pieces:
                    if part:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_GET(self):
            if self.headers.get("Authorization") != f"Bearer {args.token}":
                body = b'{"status":"invalid-token","errorMessage":"Invalid token or session expired."}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if self.path.startswith("/api/user/session/get"):
                if nodes_session:
                    self.send_chunked(parts(*nodes_session))
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(session)))
                self.end_headers()
                self.wfile.write(session)
                return
            self.send_chunked(parts(*shape_for(self.path)))

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    Server(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    sys.exit(main())

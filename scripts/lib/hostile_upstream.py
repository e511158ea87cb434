#!/usr/bin/env python3
"""A hostile Technitium stand-in for memory measurements: session/get answers as a v15.2 server
(the token is accepted in the Bearer header), and every other API path answers a valid JSON body
of nearly `--size` bytes (one long ignored string), chunked, so the exporter must buffer each
whole answer before parsing it. Used by scripts/memory-budget.sh.

Usage: hostile_upstream.py --port N --token T --session FILE [--size BYTES]
"""
import argparse
import http.server
import socketserver
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--session", required=True, help="a recorded session/get answer")
    p.add_argument("--size", type=int, default=63 * 1024 * 1024)
    args = p.parse_args()
    session = open(args.session, "rb").read()
    head = b'{"status":"ok","response":{"stats":{},"pad":"'
    tail = b'"}}'
    chunk = b"a" * (1024 * 1024)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
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
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(session)))
                self.end_headers()
                self.wfile.write(session)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                sent = 0
                for part in [head] + [chunk] * ((args.size - len(head) - len(tail)) // len(chunk)) + [tail]:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                    sent += len(part)
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    Server(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    sys.exit(main())

"""A Technitium stand-in that rejects every token, on 127.0.0.1:PORT.

It answers every request the way Technitium answers a rejected token: HTTP 200 with the
invalid-token envelope. Used by check-metric-names.sh (for technitium_scrape_error) and
check-prometheus.sh (a /probe target whose scrape works but whose token does not).
Usage: python3 reject_server.py PORT
"""
import http.server
import sys

BODY = b'{"status":"invalid-token","errorMessage":"Invalid token or session expired."}'


class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(BODY)

    do_GET = do_POST = do_HEAD = answer

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()

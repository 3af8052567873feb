#!/usr/bin/env python3
"""A local HTTP receiver for the notification e2e tests.

Usage: receiver.py LOG PORTFILE. Records every request as one JSON line in LOG (time,
method, path, headers, body) before answering; the first path segment picks the answer:
/fail/... 500, /refuse/... 404, /hang/... never answers (held 120 s), anything else 200.
Writes its port to PORTFILE once it listens.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG, PORTFILE = sys.argv[1], sys.argv[2]
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        record = {"time": time.time(), "method": self.command, "path": self.path,
                  "headers": {k: v for k, v in self.headers.items()}, "body": body}
        with lock, open(LOG, "a") as f:
            f.write(json.dumps(record) + "\n")
        mode = self.path.split("/")[1] if self.path.count("/") >= 1 else ""
        if mode == "hang":
            time.sleep(120)
            return
        status = {"fail": 500, "refuse": 404}.get(mode, 200)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_POST = do_PUT = do_GET = handle_any

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()

#!/usr/bin/env python3
"""webhook_sink: a tiny HTTP receiver for the sandbox's webhooks in tests.

Usage: webhook_sink.py DIR FAIL_FIRST

Listens on 127.0.0.1 on a free port and writes that port to DIR/port.
The first FAIL_FIRST deliveries of each event id (the body's "id") answer
500, later ones 200. Every request is kept as DIR/N.body (the raw body),
DIR/N.sig (its Sandbox-Signature header), DIR/N.status (the answer given)
and DIR/N.time (when it came, Unix seconds), N from 1.
Runs until killed. A test helper only: it is not installed.
"""
import http.server
import json
import os
import sys
import time

DIR = sys.argv[1]
FAIL_FIRST = int(sys.argv[2])
count = 0
seen = {}


class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        count += 1
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            event = json.loads(body).get("id", "")
        except ValueError:
            event = ""
        seen[event] = seen.get(event, 0) + 1
        status = 500 if seen[event] <= FAIL_FIRST else 200
        base = os.path.join(DIR, str(count))
        with open(base + ".body", "wb") as f:
            f.write(body)
        with open(base + ".sig", "w") as f:
            f.write(self.headers.get("Sandbox-Signature", ""))
        with open(base + ".status", "w") as f:
            f.write(str(status))
        with open(base + ".time", "w") as f:
            f.write("%.3f" % time.time())
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Sink)
with open(os.path.join(DIR, "port.tmp"), "w") as f:
    f.write(str(server.server_port))
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
server.serve_forever()

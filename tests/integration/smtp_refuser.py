#!/usr/bin/env python3
"""A tiny SMTP server for tests/integration/test_notify.sh: it refuses
with 550 every recipient whose address starts with "refused", takes the
others' mail and throws it away, and counts every RCPT it was asked in
the file given as its second argument (one line per RCPT: CODE ADDRESS).

Usage: smtp_refuser.py PORT LOGFILE  (listens on 127.0.0.1:PORT until killed)
"""
import socketserver
import sys


class Session(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        self.reply("220 refuser ESMTP")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("ascii", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 refuser")
            elif verb == "MAIL":
                self.reply("250 2.1.0 OK")
            elif verb == "RCPT":
                addr = line.split(":", 1)[1].strip().strip("<>")
                code = 550 if addr.startswith("refused") else 250
                with open(sys.argv[2], "a") as log:
                    log.write("%d %s\n" % (code, addr))
                if code == 550:
                    self.reply("550 5.1.1 <%s>: no such mailbox here" % addr)
                else:
                    self.reply("250 2.1.5 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                while True:
                    raw = self.rfile.readline()
                    if not raw or raw in (b".\r\n", b".\n"):
                        break
                self.reply("250 2.0.0 taken")
            elif verb == "RSET" or verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 5.5.2 not here")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


if __name__ == "__main__":
    Server(("127.0.0.1", int(sys.argv[1])), Session).serve_forever()

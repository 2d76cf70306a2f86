#!/usr/bin/env python3
"""fcgi_get.py SOCKET PATH REMOTE_ADDR: one FastCGI GET of PATH straight to
a service's unix SOCKET, past nginx, with the REMOTE_ADDR given (a peer
nginx would never pass on). Prints the response as the service wrote it
(CGI headers, a blank line, the body); exit status 0 when the service
ended the request, 1 otherwise. For test_ops.sh: the services' own check of
RF_LOOPBACK routes (lib/ops.h)."""
import socket
import struct
import sys

BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6
RESPONDER = 1
REQUEST_ID = 1


def record(kind, content):
    """One FastCGI record of kind with content (at most 65535 bytes)."""
    return struct.pack("!BBHHBx", 1, kind, REQUEST_ID, len(content), 0) + content


def pair(name, value):
    """A name-value pair of the PARAMS stream (short lengths only)."""
    name, value = name.encode(), value.encode()
    return bytes([len(name), len(value)]) + name + value


def main():
    """Send the request, print what comes back."""
    sock_path, path, addr = sys.argv[1:4]
    params = {
        "REQUEST_METHOD": "GET",
        "DOCUMENT_URI": path,
        "REQUEST_URI": path,
        "QUERY_STRING": "",
        "REMOTE_ADDR": addr,
        "REQUEST_ID": "fcgi-get",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    body = b"".join(pair(k, v) for k, v in params.items())
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sock_path)
    s.sendall(record(BEGIN_REQUEST, struct.pack("!HB5x", RESPONDER, 0)) +
              record(PARAMS, body) + record(PARAMS, b"") + record(STDIN, b""))
    data, out, ended = b"", b"", False
    while not ended:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
        while len(data) >= 8:
            _, kind, _, length, padding = struct.unpack("!BBHHB", data[:7])
            if len(data) < 8 + length + padding:
                break
            content = data[8:8 + length]
            data = data[8 + length + padding:]
            if kind == STDOUT:
                out += content
            elif kind == END_REQUEST:
                ended = True
    s.close()
    sys.stdout.write(out.decode("utf-8", "replace"))
    return 0 if ended else 1


if __name__ == "__main__":
    sys.exit(main())

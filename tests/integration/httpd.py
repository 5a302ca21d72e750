#!/usr/bin/env python3
"""httpd.py - tiny HTTP server for mtuguard's integration tests.

    httpd.py ADDR PORT DIR

GET /NAME   serves DIR/NAME (real Linux TCP, the kernel segments it).
PUT /any    reads Content-Length bytes and answers "<sha256> <bytes>\n",
            so an upload's integrity is checked on the receiving side.

IPv4 or IPv6 by the form of ADDR.  Each connection has a socket timeout, so a
transfer stuck in a PMTUD black hole never pins a thread forever.
"""
import hashlib
import http.server
import socket
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    timeout = 20  # seconds of silence before a stuck connection is dropped
    protocol_version = "HTTP/1.0"

    def do_PUT(self):
        n = int(self.headers.get("Content-Length", "0"))
        h = hashlib.sha256()
        got = 0
        try:
            while got < n:
                b = self.rfile.read(min(65536, n - got))
                if not b:
                    break
                h.update(b)
                got += len(b)
        except OSError as e:
            self.log_message("PUT aborted after %d of %d bytes: %s", got, n, e)
            return
        body = ("%s %d\n" % (h.hexdigest(), got)).encode()
        self.log_message("PUT received %d of %d bytes", got, n)
        self.send_response(200 if got == n else 400)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    addr, port, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]

    class Server(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        daemon_threads = True
        allow_reuse_address = True

    def handler(*a, **kw):
        return Handler(*a, directory=root, **kw)

    srv = Server((addr, port), handler)
    print("listening on %s port %d" % (addr, port), flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()

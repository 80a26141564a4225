"""A stand-in for hCaptcha's siteverify endpoint, on 127.0.0.1, driven by the
token the client sends. Tokens are single-use, as hCaptcha's are: a token
seen before is refused with `already-seen-response`. Tests make each token
unique by adding "~" and a nonce; the kind is what comes before the "~":

  score-<x>     success with score <x> (e.g. score-0.73)
  pass          success without a score
  score-text    success with the score "high"
  refused       success: false
  errorcodes    success: false with error-codes
  malformed     a body that is not JSON
  http500       HTTP 500
  timeout       answers only after the client has given up
  notutf8       HTTP 200 with a body that is not UTF-8 (a proxy's error page)
  huge          a JSON answer of 100 kB
  codes-success success: true with a score and error-codes
  huge200mb     a 200 MB answer, streamed (the client must stop reading)
  drip          a valid answer one byte at a time, slower than the client waits

A successful answer names the site key the CAPTCHA was solved with, as
hCaptcha's does: the one after "@" in the token (pass@test-site-key~1), else
CHALLENGE_KEY, the always-challenge key of the tests' hCaptcha wikis.

GET /1/api.js is a stand-in for hCaptcha's widget script (fixtures/), which
cannot be reached from the test machines: VisualEditor loads it.
"""

import json
import threading
import time
import urllib.parse
from pathlib import Path
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


CHALLENGE_KEY = "test-challenge-key"
WIDGET_SCRIPT = Path(__file__).parent / "fixtures" / "hcaptcha-widget-standin.js"


class SiteVerify(BaseHTTPRequestHandler):
    received = []
    # Bytes sent of each streamed answer before the client hung up.
    cut_off = []
    seen = set()
    lock = threading.Lock()
    delay = 3.0

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as it should

    def stream(self, size):
        """`size` bytes of a JSON string, sent in 1 MiB pieces as the client reads."""
        piece = b"x" * (1 << 20)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        try:
            self.wfile.write(b'{"success":true,"pad":"')
            sent = 23
            while sent < size:
                chunk = piece[: size - sent]
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            SiteVerify.cut_off.append(sent)

    def drip(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.3)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        if urllib.parse.urlparse(self.path).path != "/1/api.js":
            return self.answer(404, "{}")
        data = WIDGET_SCRIPT.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/javascript")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        fields = {k: v[0] for k, v in form.items()}
        SiteVerify.received.append(fields)
        with SiteVerify.lock:
            reused = fields.get("response", "") in SiteVerify.seen
            SiteVerify.seen.add(fields.get("response", ""))
        if reused:
            return self.answer(200, json.dumps({"success": False,
                                                "error-codes": ["already-seen-response"]}))
        token, _, site_key = fields.get("response", "").split("~")[0].partition("@")
        site_key = site_key or CHALLENGE_KEY
        if token.startswith("score-") and token != "score-text":
            return self.answer(200, json.dumps({"success": True, "score": float(token[6:]),
                                                "score_reason": ["test"], "sitekey": site_key}))
        if token == "pass":
            return self.answer(200, json.dumps({"success": True, "sitekey": site_key}))
        if token == "score-text":
            return self.answer(200, json.dumps({"success": True, "score": "high"}))
        if token == "refused":
            return self.answer(200, json.dumps({"success": False}))
        if token == "errorcodes":
            return self.answer(200, json.dumps({"success": False,
                                                "error-codes": ["invalid-input-response"]}))
        if token == "malformed":
            return self.answer(200, "{success: yes")
        if token == "http500":
            return self.answer(500, "oops")
        if token == "notutf8":
            return self.answer(200, b"<html>Proxy \xe9rror \xff\xfe</html>")
        if token == "huge":
            return self.answer(200, json.dumps({"success": True, "pad": "x" * 100_000}))
        if token == "codes-success":
            return self.answer(200, json.dumps({"success": True, "score": 0.1,
                                                "error-codes": ["invalid-or-already-seen-response"]}))
        if token == "huge200mb":
            return self.stream(200 * 1024 * 1024)
        if token == "drip":
            return self.drip(json.dumps({"success": True, "score": 0.1}).encode())
        if token == "timeout":
            time.sleep(SiteVerify.delay)
            return self.answer(200, json.dumps({"success": True, "score": 0.1}))
        return self.answer(200, json.dumps({"success": False, "error-codes": ["unknown-token"]}))


def start(port):
    server = ThreadingHTTPServer(("127.0.0.1", port), SiteVerify)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

"""A stand-in for hCaptcha's siteverify endpoint, on 127.0.0.1, driven by the
token the client sends:

  score-<x>     success with score <x> (e.g. score-0.73)
  pass          success without a score
  score-text    success with the score "high"
  refused       success: false
  errorcodes    success: false with error-codes
  malformed     a body that is not JSON
  http500       HTTP 500
  timeout       answers only after the client has given up
"""

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SiteVerify(BaseHTTPRequestHandler):
    received = []
    delay = 3.0

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as it should

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        fields = {k: v[0] for k, v in form.items()}
        SiteVerify.received.append(fields)
        token = fields.get("response", "")
        if token.startswith("score-") and token != "score-text":
            return self.answer(200, json.dumps({"success": True, "score": float(token[6:]),
                                                "score_reason": ["test"]}))
        if token == "pass":
            return self.answer(200, json.dumps({"success": True}))
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
        if token == "timeout":
            time.sleep(SiteVerify.delay)
            return self.answer(200, json.dumps({"success": True, "score": 0.1}))
        return self.answer(200, json.dumps({"success": False, "error-codes": ["unknown-token"]}))


def start(port):
    server = ThreadingHTTPServer(("127.0.0.1", port), SiteVerify)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

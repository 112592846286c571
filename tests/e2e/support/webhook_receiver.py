#!/usr/bin/env python3
"""A webhook receiver for tests/e2e/webhooks.test.cpp, written the way a third party would.

usage: webhook_receiver.py PORT RECORD_FILE SECRETS_FILE

Every POST is appended to RECORD_FILE as one JSON line: path, the AeThex-* headers, the body and
`sig_ok`, the signature checked with Python's own hmac (None while SECRETS_FILE, a JSON object
{path: secret} the test writes once it has the secret, does not know the path yet).

The path says how to answer:
  /ok/...      verification: the challenge text; notifications: 204
  /fail<N>/... verification as /ok; the first N notifications with a given message id get 500
  /wrong/...   verification: a wrong answer (the subscription must not become enabled)
"""
import hashlib
import hmac
import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, record_file, secrets_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()
attempts = {}  # message id -> notifications seen


def secret_for(path):
    try:
        with open(secrets_file, encoding="utf-8") as f:
            return json.load(f).get(path)
    except (OSError, ValueError):
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet: the record file is the log
        pass

    def answer(self, status, text=b""):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        message_id = self.headers.get("AeThex-Message-Id", "")
        timestamp = self.headers.get("AeThex-Message-Timestamp", "")
        kind = self.headers.get("AeThex-Message-Type", "")
        signature = self.headers.get("AeThex-Message-Signature", "")
        secret = secret_for(self.path)
        sig_ok = None
        if secret is not None:
            mac = hmac.new(secret.encode(), (message_id + timestamp).encode() + body,
                           hashlib.sha256).hexdigest()
            sig_ok = hmac.compare_digest("sha256=" + mac, signature)
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        status, reply = 204, b""
        if kind == "webhook_callback_verification":
            challenge = (payload or {}).get("challenge", "")
            status, reply = 200, challenge.encode()
            if self.path.startswith("/wrong/"):
                reply = b"not-the-challenge"
        elif kind == "notification":
            failing = re.match(r"^/fail(\d+)/", self.path)
            with lock:
                attempts[message_id] = attempts.get(message_id, 0) + 1
                seen = attempts[message_id]
            if failing and seen <= int(failing.group(1)):
                status, reply = 500, b"try again"
        line = {"path": self.path, "id": message_id, "timestamp": timestamp, "type": kind,
                "signature": signature, "sig_ok": sig_ok, "body": payload, "answered": status,
                "raw": body.decode("utf-8", "replace")}
        with lock, open(record_file, "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")
        self.answer(status, reply)


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
print(f"listening {port}", flush=True)
server.serve_forever()

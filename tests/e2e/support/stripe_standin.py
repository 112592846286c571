#!/usr/bin/env python3
"""A loopback stand-in for api.stripe.com (e2e tests have no network), and a webhook sender.

  stripe_standin.py serve PORT RECORD_FILE
      Answers Stripe-shaped JSON on 127.0.0.1:PORT and appends each request it gets to
      RECORD_FILE as one JSON line {"method", "path", "headers", "body"}.
      POST /v1/checkout/sessions: a session (the same one again for a repeated Idempotency-Key);
        an amount of 777 answers 500 with Stripe's error body.
      POST /v1/payment_intents: succeeded, or 402 card_declined for payment_method=pm_decline.
  stripe_standin.py webhook HOST:PORT SECRET PAYLOAD
      Signs PAYLOAD as Stripe does (v1 = HMAC-SHA256 of "{t}.{payload}") and posts it to the
      node's webhook endpoint; prints the status and the body.
"""
import hashlib
import hmac
import http.server
import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


def serve(port, record_file):
    lock = threading.Lock()
    sessions = {}  # Idempotency-Key -> answer

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            form = dict(urllib.parse.parse_qsl(body))
            with lock:
                with open(record_file, "a") as out:
                    out.write(json.dumps({"method": "POST", "path": self.path,
                                          "headers": dict(self.headers.items()),
                                          "body": body}) + "\n")
                key = self.headers.get("Idempotency-Key", "")
                if self.path == "/v1/checkout/sessions":
                    if form.get("line_items[0][price_data][unit_amount]") == "777":
                        return self.answer(500, {"error": {"type": "api_error",
                                                           "message": "stand-in failure"}})
                    if key not in sessions:
                        n = len(sessions) + 1
                        sessions[key] = {"id": "cs_test_%d" % n, "object": "checkout.session",
                                         "url": "https://checkout.stripe.test/c/pay/cs_test_%d" % n,
                                         "status": "open", "payment_status": "unpaid",
                                         "metadata": {"checkout": form.get("metadata[checkout]")}}
                    return self.answer(200, sessions[key])
                if self.path == "/v1/payment_intents":
                    if form.get("payment_method") == "pm_decline":
                        return self.answer(402, {"error": {"type": "card_error",
                                                           "code": "card_declined",
                                                           "message": "Your card was declined."}})
                    return self.answer(200, {"id": "pi_test_" + key.replace(":", "_"),
                                             "object": "payment_intent", "status": "succeeded",
                                             "amount": int(form.get("amount", "0"))})
            self.answer(404, {"error": {"type": "invalid_request_error",
                                        "message": "Unrecognized request URL"}})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("listening %d" % port, flush=True)
    server.serve_forever()


def webhook(host_port, secret, payload):
    t = int(time.time())
    v1 = hmac.new(secret.encode(), ("%d.%s" % (t, payload)).encode(), hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        "http://%s/api/v1/payments/stripe/webhook" % host_port, data=payload.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": "t=%d,v1=%s" % (t, v1)},
        method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            print(r.status, r.read().decode())
    except urllib.error.HTTPError as e:
        print(e.code, e.read().decode())


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "webhook":
        webhook(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)

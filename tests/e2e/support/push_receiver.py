#!/usr/bin/env python3
"""A real Web Push receiver for tests/e2e/push.test.cpp, standing in for a browser's push service.

It is the browser too: it makes the subscription's P-256 key pair and 16-byte auth secret, and
checks every push independently of the node's code (python3-cryptography): the VAPID JWT
(RFC 8292: ES256 signature with the key in `k`, `aud` = this origin, `exp` within 24 h, `sub`
mailto:/https:) and the aes128gcm body (RFC 8291/8188), decrypted with the subscription's
private key. POST /sub/<name> answers 201; POST /gone/<name> answers 410 (the subscription is
gone, RFC 8030 §7.3).

Usage: push_receiver.py PORT RECORD_FILE
Prints "listening {json}" with the subscription keys (p256dh, auth: base64url) once ready and
appends one JSON line per push to RECORD_FILE.
"""
import base64
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def b64d(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64e(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hkdf(salt, ikm, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


UA_KEY = ec.generate_private_key(ec.SECP256R1())
UA_PUBLIC = UA_KEY.public_key().public_bytes(serialization.Encoding.X962,
                                             serialization.PublicFormat.UncompressedPoint)
AUTH = os.urandom(16)


def decrypt(body):
    """RFC 8291 §3.4 + RFC 8188 §2: one record, delimiter 0x02."""
    salt, rs, idlen = body[:16], int.from_bytes(body[16:20], "big"), body[20]
    as_public = body[21:21 + idlen]
    record = body[21 + idlen:]
    if len(record) > rs:
        raise ValueError("more than one record")
    peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), as_public)
    shared = UA_KEY.exchange(ec.ECDH(), peer)
    ikm = hkdf(AUTH, shared, b"WebPush: info\x00" + UA_PUBLIC + as_public, 32)
    cek = hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    padded = AESGCM(cek).decrypt(nonce, record, None).rstrip(b"\x00")
    if not padded.endswith(b"\x02"):
        raise ValueError("no last-record delimiter")
    return padded[:-1].decode()


def check_vapid(header, origin):
    """Returns (ok, claims, k) for an Authorization header 'vapid t=<jwt>, k=<key>'."""
    if not header.startswith("vapid "):
        return False, None, None
    parts = dict(p.strip().split("=", 1) for p in header[6:].split(","))
    jwt, k = parts.get("t", ""), parts.get("k", "")
    head, claims_text, sig = jwt.split(".")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64d(k))
    raw = b64d(sig)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        key.verify(der, (head + "." + claims_text).encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False, None, k
    header_json = json.loads(b64d(head))
    claims = json.loads(b64d(claims_text))
    now = time.time()
    ok = (header_json.get("alg") == "ES256" and claims.get("aud") == origin
          and now < claims.get("exp", 0) <= now + 24 * 3600
          and str(claims.get("sub", "")).startswith(("mailto:", "https:")))
    return ok, claims, k


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        origin = "http://" + self.headers.get("Host", "")
        entry = {"path": self.path, "ttl": self.headers.get("TTL"),
                 "encoding": self.headers.get("Content-Encoding"),
                 "urgency": self.headers.get("Urgency")}
        try:
            entry["vapid_ok"], entry["claims"], entry["k"] = check_vapid(
                self.headers.get("Authorization", ""), origin)
        except Exception as e:  # a malformed header is a failed check, recorded
            entry["vapid_ok"], entry["vapid_error"] = False, repr(e)
        try:
            entry["message"] = json.loads(decrypt(body))
        except Exception as e:
            entry["decrypt_error"] = repr(e)
        status = 410 if self.path.startswith("/gone/") else 201
        entry["answered"] = status
        with open(self.server.record, "a") as f:
            f.write(json.dumps(entry) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, fmt, *args):
        sys.stderr.write("push_receiver: " + fmt % args + "\n")


def main():
    port, record = int(sys.argv[1]), sys.argv[2]
    server = HTTPServer(("127.0.0.1", port), Handler)
    server.record = record
    print("listening " + json.dumps({"p256dh": b64e(UA_PUBLIC), "auth": b64e(AUTH)}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A loopback stand-in for accounts.spotify.com and api.spotify.com (e2e tests have no network).

  spotify_standin.py PORT RECORD_FILE CLIENT_ID CLIENT_SECRET CURRENTLY_PLAYING_JSON

Appends each request it gets to RECORD_FILE as one JSON line {"method", "path", "headers",
"body"} and answers as Spotify documents (developer.spotify.com/documentation/web-api):
  GET  /authorize?...&redirect_uri&state   the user consents at once: 302 to
                                           redirect_uri?code=code-ok&state=...
  POST /api/token                          Basic auth of CLIENT_ID:CLIENT_SECRET required (401
                                           invalid_client otherwise); grant_type
                                           authorization_code with code-ok, or refresh_token
                                           with the refresh token it gave: a token answer; any
                                           other code or refresh token: 400 invalid_grant
  GET  /v1/me/player/currently-playing     with a bearer it gave: the recorded answer
                                           (CURRENTLY_PLAYING_JSON, served as saved), or 204
                                           after POST /control {"playing": false}; 401 otherwise
"""
import base64
import http.server
import json
import sys
import threading
import urllib.parse


def main(port, record_file, client_id, client_secret, fixture):
    lock = threading.Lock()
    with open(fixture, "rb") as f:
        recorded = f.read()
    state = {"playing": True, "access": set(), "issued": 0}
    refresh_token = "rt-standin-1"

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def record(self, body):
            with open(record_file, "a") as out:
                out.write(json.dumps({"method": self.command, "path": self.path,
                                      "headers": dict(self.headers.items()),
                                      "body": body}) + "\n")

        def answer(self, status, body=None, headers=()):
            data = body if isinstance(body, bytes) else (
                json.dumps(body).encode() if body is not None else b"")
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            if body is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def new_access_token(self):
            state["issued"] += 1
            token = "at-standin-%d" % state["issued"]
            state["access"].add(token)
            return token

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            with lock:
                self.record("")
                if url.path == "/authorize":
                    if query.get("client_id") != client_id or query.get("response_type") != "code":
                        return self.answer(400, {"error": "invalid_request"})
                    back = query["redirect_uri"] + "?" + urllib.parse.urlencode(
                        {"code": "code-ok", "state": query.get("state", "")})
                    return self.answer(302, None, [("Location", back)])
                if url.path == "/v1/me/player/currently-playing":
                    bearer = self.headers.get("Authorization", "")
                    if not bearer.startswith("Bearer ") or bearer[7:] not in state["access"]:
                        return self.answer(401, {"error": {"status": 401,
                                                           "message": "Invalid access token"}})
                    if not state["playing"]:
                        return self.answer(204)
                    return self.answer(200, recorded)
            self.answer(404, {"error": {"status": 404, "message": "Service not found"}})

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            form = dict(urllib.parse.parse_qsl(body))
            with lock:
                self.record(body)
                if self.path == "/control":
                    state["playing"] = json.loads(body).get("playing", True)
                    return self.answer(200, {"playing": state["playing"]})
                if self.path == "/api/token":
                    basic = "Basic " + base64.b64encode(
                        (client_id + ":" + client_secret).encode()).decode()
                    if self.headers.get("Authorization") != basic:
                        return self.answer(401, {"error": "invalid_client"})
                    grant = form.get("grant_type")
                    if grant == "authorization_code" and form.get("code") == "code-ok":
                        return self.answer(200, {"access_token": self.new_access_token(),
                                                 "token_type": "Bearer",
                                                 "scope": "user-read-currently-playing",
                                                 "expires_in": 3600,
                                                 "refresh_token": refresh_token})
                    if grant == "refresh_token" and form.get("refresh_token") == refresh_token:
                        return self.answer(200, {"access_token": self.new_access_token(),
                                                 "token_type": "Bearer",
                                                 "scope": "user-read-currently-playing",
                                                 "expires_in": 3600})
                    return self.answer(400, {"error": "invalid_grant",
                                             "error_description": "Invalid authorization code"})
            self.answer(404, {"error": {"status": 404, "message": "Service not found"}})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("listening %d" % port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])

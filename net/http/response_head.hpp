// The head of a response as it goes on the wire (status line, fields, blank line), rendered into
// a buffer the connection keeps between answers.
//
// Why not Beast's serializer: it needs a serializer object per answer (an allocation), walks the
// fields through a chain of buffer views, and wants Server, Content-Length and Connection set as
// fields first (an allocation each). Players ask several times a second each, so the server
// renders the head itself: those three directly, the response's own fields as they are.
#pragma once

#include <string>

#include "net/http/server.hpp"

namespace aethex::net::http {

struct head_options {
  unsigned version = 11;  // of the request: the answer uses the same
  bool keep_alive = true;
  bool head_request = false;  // HEAD: the fields of a GET, no body
};

/// Whether the body follows the head: not for HEAD, 1xx, 204 and 304 (RFC 9110 §6.4.1).
bool sends_body(const response& res, const head_options& options);

/// Renders `res`'s head into `out` (cleared first, its capacity kept). Content-Length is the
/// body's size (none for 1xx, 204 and 304), Connection follows `options`; fields of those names
/// set on `res` are ignored, and "Server: aethex" is added unless `res` has a Server field.
void render_head(const response& res, const head_options& options, std::string& out);

}  // namespace aethex::net::http

// The node's outbound HTTP as data: what a module asks to send and what came back. actors/ may
// not do network I/O, so node_env::send_http carries these to net/app's transport (libcurl on a
// worker thread), which answers through the callback.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <caf/expected.hpp>

namespace aethex::actors {

struct outbound_request {
  std::string method;  // "POST", "GET"
  std::string url;     // absolute: "https://api.stripe.com/v1/checkout/sessions"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct outbound_response {
  long status = 0;  // the HTTP status; any status is an answer, errors are transport failures
  std::string body;
};

/// Sends a request off the node; the callback runs on the transport's thread (node_env::send_http).
using http_sender =
  std::function<void(outbound_request, std::function<void(caf::expected<outbound_response>)>)>;

}  // namespace aethex::actors

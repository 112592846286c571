// The node's outbound HTTP as data: what a module asks to send and what came back. actors/ may
// not do network I/O, so node_env::send_http carries these to net/app's transport (libcurl on a
// worker thread), which answers through the callback.
#pragma once

#include <cstdint>
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
  /// Seconds the whole exchange may take; 0: the transport's default (30 s).
  long timeout_s = 0;
  /// Refuses a host that is or resolves to a loopback, private, link-local, unique-local,
  /// multicast or unspecified address (IPv4 and IPv6), and connects only to the addresses it
  /// checked, so a second DNS answer cannot lead elsewhere: for URLs a user gave (webhooks).
  /// The refusal is errc::invalid_argument with reason "forbidden_address".
  bool public_only = false;
  /// Only resolves and checks the host (public_only's rules); nothing is sent. The answer has
  /// status 0 when the address may be used.
  bool resolve_only = false;
};

struct outbound_response {
  long status = 0;  // the HTTP status; any status is an answer, errors are transport failures
  std::string body;
  std::int64_t elapsed_ms = 0;  // from the start of the request to the end of the answer
};

/// Sends a request off the node; the callback runs on the transport's thread (node_env::send_http).
using http_sender =
  std::function<void(outbound_request, std::function<void(caf::expected<outbound_response>)>)>;

}  // namespace aethex::actors

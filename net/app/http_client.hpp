// Minimal blocking HTTP client used by CLI subcommands that talk to a running node.
#pragma once

#include <string>

namespace aethex::app {

struct http_result {
  unsigned status = 0;  // 0 when the node could not be reached
  std::string body;
  std::string location;  // Location header of redirects
  std::string error;     // transport error text when status == 0
};

/// `host_port` is "host:port". Sends `body` as JSON when non-empty.
http_result http_call(const std::string& host_port, const std::string& method,
                      const std::string& target, const std::string& body,
                      const std::string& bearer_token);

}  // namespace aethex::app

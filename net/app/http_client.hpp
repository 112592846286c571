// Minimal blocking HTTP client used by CLI subcommands that talk to a running node.
#pragma once

#include <string>

namespace aethex::app {

struct http_result {
  unsigned status = 0;  // 0 when the node could not be reached
  std::string body;
  std::string location;      // Location header of redirects
  std::string error;         // transport error text when status == 0
  unsigned retry_after = 0;  // Retry-After seconds of a 503 or 429; 0 when absent
};

/// `host_port` is "host:port". Sends `body` as JSON when non-empty.
http_result http_call(const std::string& host_port, const std::string& method,
                      const std::string& target, const std::string& body,
                      const std::string& bearer_token);

/// http_call that sends a request refused with 503 `moved` (a cluster partition changed leader;
/// nothing was written, so sending again is safe) again after its Retry-After, up to `retries`
/// times. Other answers, 503s included, come back as they are.
http_result http_call_retrying_moved(const std::string& host_port, const std::string& method,
                                     const std::string& target, const std::string& body,
                                     const std::string& bearer_token, int retries = 5);

}  // namespace aethex::app

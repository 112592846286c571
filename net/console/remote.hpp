// The console's connection to a node: commands over `POST /api/v1/admin/console`, `tail` over the
// `/ws/admin` WebSocket, both with the admin token as a bearer token (never printed).
#pragma once

#include <string>

#include "net/console/interpreter.hpp"

namespace aethex::console {

class remote_backend final : public backend {
 public:
  remote_backend(std::string host_port, std::string token);

  command_result run(const std::vector<std::string>& words) override;
  command_result tail(const tail_request& req, const std::atomic<bool>& stop,
                      const std::function<void(const json&)>& on_event) override;

 private:
  std::string host_port_;
  std::string token_;
};

}  // namespace aethex::console

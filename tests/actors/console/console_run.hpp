// Runs a console line the way the console's front ends do, for the tests of the console service
// and of each domain's adapters.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/console/console_service.hpp"

namespace aethex::test {

/// The console service's answer to `words` (a command line split in words) as JSON, or its
/// error.
inline caf::expected<nlohmann::json> run_console(caf::scoped_actor& self, const caf::actor& console,
                                                 std::vector<std::string> words) {
  caf::expected<nlohmann::json> result = caf::error{};
  self->request(console, std::chrono::seconds(10), actors::console_atom::value, std::move(words))
    .receive([&](std::string& text) { result = nlohmann::json::parse(text); },
             [&](caf::error& err) { result = std::move(err); });
  return result;
}

/// Stops the console service and the entity registry behind it, and waits for both.
inline void stop_console(caf::scoped_actor& self, const caf::actor& console,
                         const caf::actor& registry) {
  self->send_exit(console, caf::exit_reason::user_shutdown);
  self->send_exit(registry, caf::exit_reason::user_shutdown);
  self->wait_for(console, registry);
}

}  // namespace aethex::test

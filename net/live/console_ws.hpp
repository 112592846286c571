// The admin console's network surface: `POST /api/v1/admin/console` runs one command, and the
// WebSocket `/ws/admin?tail=KIND/ID&from=SEQ` streams a stream's new events (one JSON text frame
// per event). Both require the node's admin token (`Authorization: Bearer …`); see docs/console.md.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "net/live/live_context.hpp"

namespace aethex::live {

/// Runs one console command on the console service; `done` is called on a CAF thread with the
/// JSON text of the result.
void ask_console(caf::actor_system& sys, const caf::actor& console, std::vector<std::string> words,
                 std::function<void(caf::expected<std::string>)> done);

/// The `/ws/admin` endpoint (register it with make_upgrade_handler).
ws_module make_console_ws(const live_context& ctx);

}  // namespace aethex::live

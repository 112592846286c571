// raid/<channel> in the admin console: the countdown, and raiding or cancelling on the
// broadcaster's behalf.
#include <caf/all.hpp>

#include "actors/raid/internal.hpp"
#include "actors/raid/raid.hpp"

namespace aethex::actors {

using namespace console;

adapter raid_adapter() {
  adapter a;
  a.kind = "raid";
  a.summary = "a channel's raid countdown and raid settings";
  a.show_query = "status";
  auto status = expecting<raid_status>([](const raid_status& s) {
    return json{{"channel", s.channel},
                {"target", s.target},
                {"viewers", s.viewers},
                {"go_at_ms", s.go_at_ms},
                {"state", s.state}};
  });
  a.ask("status", {}, "The raid counting down, if any.", "ask raid/alice status",
        message_of_args(get_atom::value), status);
  a.ask("settings", {}, "Who may raid the channel and whom it blocked.", "ask raid/alice settings",
        message_of_args(raid_settings_atom::value),
        expecting<raid_settings>([](const raid_settings& s) {
          return json{{"accept", s.accept}, {"blocked", s.blocked}};
        }));
  a.send("go", {}, "Raids now.", "send raid/alice go", message_of_args(raid_go_atom::value),
         status);
  a.send("cancel", {}, "Cancels the countdown.", "send raid/alice cancel",
         message_of_args(raid_cancel_atom::value), status);
  return a;
}

}  // namespace aethex::actors

// inbox/<user> in the admin console: how far the user has read, and marking it read.
#include <caf/all.hpp>

#include "actors/notify/inbox.hpp"
#include "actors/notify/internal.hpp"

namespace aethex::actors {

using namespace console;

adapter inbox_adapter() {
  adapter a;
  a.kind = "inbox";
  a.summary = "a user's notification read mark";
  a.show_query = "state";
  auto render = expecting<inbox_view>([](const inbox_view& inbox) {
    return json{{"user", inbox.user}, {"read_up_to_ms", inbox.read_up_to_ms}};
  });
  a.ask("state", {}, "How far the user has read their notifications (ms since the epoch).",
        "ask inbox/alice state", message_of_args(get_atom::value), render);
  a.send("read", {}, "Marks every notification read now.", "send inbox/alice read",
         message_of_args(mark_read_atom::value, std::int64_t{0}), render);
  return a;
}

}  // namespace aethex::actors

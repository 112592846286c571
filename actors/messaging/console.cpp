// relations/<user> and dm/<a.b> in the admin console: what ties a user has, and a
// conversation's counters. Changes go through the API, which keeps both users' sides in step.
#include <caf/all.hpp>

#include "actors/messaging/dm_thread.hpp"
#include "actors/messaging/internal.hpp"
#include "actors/messaging/relations.hpp"

namespace aethex::actors {

using namespace console;

adapter relations_adapter() {
  adapter a;
  a.kind = "relations";
  a.summary = "a user's friends, friend requests and blocks";
  a.show_query = "state";
  auto render = expecting<relations_view>([](const relations_view& view) {
    json entries = json::array();
    for (auto& e : view.entries)
      entries.push_back(json{{"user", e.user}, {"state", e.state}, {"since_ms", e.since_ms}});
    return json{{"user", view.user}, {"relations", entries}};
  });
  a.ask("state", {}, "The user's friends, requests both ways and blocked users.",
        "ask relations/alice state", message_of_args(get_atom::value), render);
  return a;
}

adapter dm_thread_adapter() {
  adapter a;
  a.kind = "dm";
  a.summary = "a direct-message conversation: message count and read marks";
  a.show_query = "state";
  a.ask("state", {}, "Messages in the conversation and each side's read mark.",
        "ask dm/alice.bob state", message_of_args(get_atom::value),
        expecting<dm_thread_view>([](const dm_thread_view& view) {
          return json{{"thread", view.thread},
                      {"messages", view.messages},
                      {"read_first", view.read_first},
                      {"read_second", view.read_second}};
        }));
  return a;
}

}  // namespace aethex::actors

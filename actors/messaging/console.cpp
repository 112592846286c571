// relations/<user> and dm/<a.b> in the admin console: what ties a user has, blocking on a
// user's behalf (an operator handling abuse), and a conversation's counters — never its text.
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
  auto state = expecting<std::string>([](const std::string& s) { return json{{"state", s}}; });
  a.ask("state", {}, "The user's friends, requests both ways and blocked users.",
        "ask relations/alice state", message_of_args(get_atom::value), render);
  a.send("block", {{"user"}}, "Blocks a user on this user's behalf (the other side is not told).",
         "send relations/alice block bob", message_of_args(block_atom::value), state);
  a.send("unblock", {{"user"}}, "Lifts a block.", "send relations/alice unblock bob",
         message_of_args(unblock_atom::value), state);
  return a;
}

adapter dm_thread_adapter() {
  adapter a;
  a.kind = "dm";
  a.summary = "a direct-message conversation (counters only; messages are private)";
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

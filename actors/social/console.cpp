// follows/<user> in the admin console: list, follow and unfollow on a user's behalf.
#include <caf/all.hpp>

#include "actors/social/follows.hpp"
#include "actors/social/internal.hpp"

namespace aethex::actors {

using namespace console;

namespace {

json follows_json(const follows_view& view) {
  json list = json::array();
  for (auto& followed : view.channels)
    list.push_back(json{{"channel", followed.channel}, {"since_ms", followed.since_ms}});
  return json{{"user", view.user}, {"following", list}};
}

}  // namespace

adapter follows_adapter() {
  adapter a;
  a.kind = "follows";
  a.summary = "the channels a user follows";
  a.show_query = "following";
  auto render = expecting<follows_view>(follows_json);
  a.ask("following", {}, "The channels the user follows, oldest first.",
        "ask follows/alice following", message_of_args(get_atom::value), render);
  a.send("follow", {{"channel"}}, "Follows a channel on the user's behalf.",
         "send follows/alice follow bob", message_of_args(follow_atom::value), render);
  a.send("unfollow", {{"channel"}}, "Stops following a channel.", "send follows/alice unfollow bob",
         message_of_args(unfollow_atom::value), render);
  return a;
}

}  // namespace aethex::actors

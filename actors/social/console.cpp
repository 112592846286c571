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
  a.commands.push_back(command{"following",
                               true,
                               {},
                               "The channels the user follows, oldest first.",
                               "ask follows/alice following",
                               [](const invocation&) -> caf::expected<caf::message> {
                                 return caf::make_message(get_atom::value);
                               },
                               expecting<follows_view>(follows_json)});
  a.commands.push_back(command{"follow",
                               false,
                               {{"channel", true, false}},
                               "Follows a channel on the user's behalf.",
                               "send follows/alice follow bob",
                               [](const invocation& inv) -> caf::expected<caf::message> {
                                 return caf::make_message(follow_atom::value, inv.args[0]);
                               },
                               expecting<follows_view>(follows_json)});
  a.commands.push_back(command{"unfollow",
                               false,
                               {{"channel", true, false}},
                               "Stops following a channel.",
                               "send follows/alice unfollow bob",
                               [](const invocation& inv) -> caf::expected<caf::message> {
                                 return caf::make_message(unfollow_atom::value, inv.args[0]);
                               },
                               expecting<follows_view>(follows_json)});
  return a;
}

}  // namespace aethex::actors

// Channel points, custom rewards, predictions and the hype train over REST (docs/engagement.md).
#include <algorithm>

#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/engagement/engagement.hpp"
#include "actors/engagement/internal.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

using json = nlohmann::json;

void check_manager(const node_env& env, const runtime::principal& who, const std::string& channel,
                   std::initializer_list<std::string_view> roles,
                   std::function<void(caf::error)> done) {
  std::vector<std::string> allowed{roles.begin(), roles.end()};
  entity_ref<chat_protocol>{env.registry, channel}
    .ask(chat_info_atom::value, who)
    .then(*env.sys, [allowed = std::move(allowed), done](caf::expected<std::string> info) {
      if (!info)
        return done(info.error());
      auto j = json::parse(*info, nullptr, false);
      auto role = j.is_object() ? j.value("role", std::string{}) : std::string{};
      if (std::find(allowed.begin(), allowed.end(), role) != allowed.end())
        return done(caf::none);
      done(make_error(errc::forbidden,
                      "only the channel's " +
                        std::string{allowed.size() > 2 ? "managers" : "broadcaster and editors"} +
                        " may do this"));
    });
}

void add_engagement_routes(route_table&, const node_env&) {}

}  // namespace aethex::actors

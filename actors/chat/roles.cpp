#include "actors/chat/roles.hpp"

#include <algorithm>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

void check_channel_role(const node_env& env, const runtime::principal& who,
                        const std::string& channel, std::vector<std::string> roles,
                        std::function<void(caf::error)> done) {
  if (!valid_channel_name(channel))
    return done(make_error(errc::not_found, "channel not found"));
  entity_ref<chat_protocol>{env.registry, channel}
    .ask(chat_info_atom::value, who)
    .then(*env.sys, [allowed = std::move(roles), done](caf::expected<std::string> info) {
      if (!info)
        return done(info.error());
      auto j = nlohmann::json::parse(*info, nullptr, false);
      auto role = j.is_object() ? j.value("role", std::string{}) : std::string{};
      if (std::find(allowed.begin(), allowed.end(), role) != allowed.end())
        return done(caf::none);
      auto whom = std::find(allowed.begin(), allowed.end(), "moderator") != allowed.end()
                    ? "the broadcaster, editors and moderators"
                    : "the broadcaster and editors";
      done(make_error(errc::forbidden,
                      std::string{"only "} + whom + " of the channel may do this"));
    });
}

}  // namespace aethex::actors

// The node's chat badge service (actors/chat/chat_badges.hpp): a signed-in viewer joined a chat
// room, so the room hears which of the viewer's achievement badges they chose to show in chat
// (PUT users/{user}/achievements/{game}/{badge} {"show_in_chat"}), newest first, after `bot`
// for a bot account.
#include <algorithm>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/chat_badges.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/identity/user.hpp"
#include "actors/leaderboards/internal.hpp"

namespace aethex::actors {

std::string shown_chat_badges(std::vector<nlohmann::json> rows) {
  std::erase_if(rows, [](const nlohmann::json& row) { return !row.value("show_in_chat", false); });
  std::sort(rows.begin(), rows.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a.value("at_ms", std::int64_t{0}) > b.value("at_ms", std::int64_t{0});
  });
  auto badges = nlohmann::json::array();
  for (const auto& row : rows) {
    if (badges.size() == chat_badges_per_user_max)
      break;
    badges.push_back("achievement/" + row.value("game", "") + "/" + row.value("badge", ""));
  }
  return badges.dump();
}

caf::actor spawn_chat_badge_service(const node_env& env) {
  return env.sys->spawn([env](caf::event_based_actor*) -> caf::behavior {
    return {
      [env](chat_badges_atom, const std::string& user, const std::string& room) {
        // The rows come back on the query's thread; telling an entity from there is safe.
        env.query("leaderboards.achievements", nlohmann::json{{"user", user}},
                  [env, user, room](caf::expected<std::vector<nlohmann::json>> rows) {
                    if (!rows)
                      return;
                    // A bot account (actors/identity, docs/bots.md) shows `bot` first.
                    entity_ref<user_protocol>{env.registry, user}
                      .ask(get_atom::value)
                      .then(*env.sys, [env, user, room,
                                       shown = shown_chat_badges(std::move(*rows))](
                                        caf::expected<user_view> account) {
                        auto badges = nlohmann::json::parse(shown);
                        if (account && account->bot)
                          badges.insert(badges.begin(), "bot");
                        entity_ref<chat_protocol>{env.registry, room}.tell(chat_badges_atom::value,
                                                                           user, badges.dump());
                      });
                  });
      },
    };
  });
}

}  // namespace aethex::actors

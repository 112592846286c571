// tips/<channel> in the admin console: what a creator's support sees first.
#include <caf/all.hpp>

#include "actors/tips/internal.hpp"
#include "actors/tips/tips.hpp"

namespace aethex::actors {

using namespace console;

adapter tips_adapter() {
  adapter a;
  a.kind = "tips";
  a.summary = "a channel's tips, campaign and gifts";
  a.show_query = "recent";
  auto parse = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("recent", {}, "The channel's last public tips.", "ask tips/alice recent",
        message_of_args(tips_recent_atom::value), parse);
  a.ask("settings", {}, "Minimum tip, TTS minimum, alerts.", "ask tips/alice settings",
        message_of_args(tips_settings_atom::value), parse);
  a.ask("campaign", {}, "The current or last campaign.", "ask tips/alice campaign",
        message_of_args(tips_campaign_atom::value), parse);
  return a;
}

}  // namespace aethex::actors

#include "actors/chat/settings_frame.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace aethex::actors {

std::string read_settings_patch(const nlohmann::json& msg, chat_settings_patch& patch) {
  using json = nlohmann::json;
  std::string problem;
  auto refuse = [&problem](std::string text) {
    problem = std::move(text);
    return false;
  };
  auto flag = [&](const char* key, std::int8_t& out) {
    if (auto it = msg.find(key); it != msg.end()) {
      if (!it->is_boolean())
        return refuse(std::string{key} + " must be a boolean");
      out = it->get<bool>() ? 1 : 0;
    }
    return true;
  };
  auto number = [&](const char* key, std::int32_t& out) {
    if (auto it = msg.find(key); it != msg.end()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
          it->get<std::int64_t>() > 100'000'000)
        return refuse(std::string{key} + " must be an integer");
      out = static_cast<std::int32_t>(it->get<std::int64_t>());
    }
    return true;
  };
  if (!flag("followers_only", patch.followers_only) ||
      !flag("subscribers_only", patch.subscribers_only) || !flag("emote_only", patch.emote_only) ||
      !flag("guests", patch.guests) || !number("slow_s", patch.slow_s) ||
      !number("followers_only_min_s", patch.followers_min_s) ||
      !number("rate_count", patch.rate_count) || !number("rate_window_s", patch.rate_window_s) ||
      !flag("links_allowed", patch.links_allowed))
    return problem;
  if (auto it = msg.find("automod_level"); it != msg.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > 4)
      return "automod_level must be 0 to 4";
    patch.automod_level = static_cast<std::int8_t>(it->get<std::int64_t>());
  }
  if (auto it = msg.find("allowed_terms"); it != msg.end()) {
    if (!it->is_array() ||
        !std::all_of(it->begin(), it->end(), [](const json& t) { return t.is_string(); }))
      return "allowed_terms must be a list of strings";
    patch.set_allowed_terms = true;
    patch.allowed_terms = it->get<std::vector<std::string>>();
  }
  if (auto it = msg.find("blocked_terms"); it != msg.end()) {
    if (!it->is_array() ||
        !std::all_of(it->begin(), it->end(), [](const json& t) { return t.is_string(); }))
      return "blocked_terms must be a list of strings";
    patch.set_blocked_terms = true;
    patch.blocked_terms = it->get<std::vector<std::string>>();
  }
  return {};
}

}  // namespace aethex::actors

#include "actors/engagement/events.hpp"

namespace aethex::actors::engagement_events {

namespace {
std::string text(const json& j, const char* key) { return j.value(key, std::string{}); }
std::int64_t number(const json& j, const char* key) { return j.value(key, std::int64_t{0}); }
}  // namespace

void to_json(json& j, const watched& e) { j = json{{"user", e.user}, {"seconds", e.seconds}}; }
void from_json(const json& j, watched& e) {
  e.user = text(j, "user");
  e.seconds = number(j, "seconds");
}
void to_json(json& j, const earned& e) {
  j = json{{"user", e.user}, {"points", e.points}, {"reason", e.reason}};
  if (!e.raid.empty())
    j["raid"] = e.raid;
}
void from_json(const json& j, earned& e) {
  e.user = text(j, "user");
  e.points = number(j, "points");
  e.reason = text(j, "reason");
  e.raid = text(j, "raid");
}
void to_json(json& j, const spent& e) {
  j = json{{"user", e.user}, {"points", e.points}, {"reason", e.reason}};
}
void from_json(const json& j, spent& e) {
  e.user = text(j, "user");
  e.points = number(j, "points");
  e.reason = text(j, "reason");
}
void to_json(json& j, const refunded& e) {
  j = json{{"user", e.user}, {"points", e.points}, {"reason", e.reason}};
}
void from_json(const json& j, refunded& e) {
  e.user = text(j, "user");
  e.points = number(j, "points");
  e.reason = text(j, "reason");
}
void to_json(json& j, const followed& e) { j = json{{"user", e.user}}; }
void from_json(const json& j, followed& e) { e.user = text(j, "user"); }
void to_json(json& j, const reward_saved& e) { j = json{{"reward", e.reward}}; }
void from_json(const json& j, reward_saved& e) { e.reward = j.value("reward", json::object()); }
void to_json(json& j, const reward_deleted& e) { j = json{{"id", e.id}}; }
void from_json(const json& j, reward_deleted& e) { e.id = text(j, "id"); }
void to_json(json& j, const redeemed& e) {
  j = json{{"id", e.id},     {"reward", e.reward}, {"title", e.title},  {"cost", e.cost},
           {"user", e.user}, {"input", e.input},   {"stream", e.stream}};
}
void from_json(const json& j, redeemed& e) {
  e.id = text(j, "id");
  e.reward = text(j, "reward");
  e.title = text(j, "title");
  e.cost = number(j, "cost");
  e.user = text(j, "user");
  e.input = text(j, "input");
  e.stream = text(j, "stream");
}
void to_json(json& j, const redemption_closed& e) { j = json{{"id", e.id}, {"status", e.status}}; }
void from_json(const json& j, redemption_closed& e) {
  e.id = text(j, "id");
  e.status = text(j, "status");
}
void to_json(json& j, const prediction_created& e) {
  j = json{{"id", e.id}, {"title", e.title}, {"outcomes", e.outcomes}, {"window_s", e.window_s}};
}
void from_json(const json& j, prediction_created& e) {
  e.id = text(j, "id");
  e.title = text(j, "title");
  e.outcomes = j.value("outcomes", std::vector<std::string>{});
  e.window_s = number(j, "window_s");
}
void to_json(json& j, const staked& e) {
  j = json{{"user", e.user}, {"outcome", e.outcome}, {"points", e.points}};
}
void from_json(const json& j, staked& e) {
  e.user = text(j, "user");
  e.outcome = number(j, "outcome");
  e.points = number(j, "points");
}
void to_json(json& j, const prediction_locked&) { j = json::object(); }
void from_json(const json&, prediction_locked&) {}
void to_json(json& j, const prediction_resolved& e) { j = json{{"outcome", e.outcome}}; }
void from_json(const json& j, prediction_resolved& e) { e.outcome = number(j, "outcome"); }
void to_json(json& j, const prediction_canceled&) { j = json::object(); }
void from_json(const json&, prediction_canceled&) {}
void to_json(json& j, const hype_train_changed& e) { j = {{"phase", e.phase}, {"train", e.train}}; }
void from_json(const json& j, hype_train_changed& e) {
  j.at("phase").get_to(e.phase);
  e.train = j.value("train", json::object());
}

}  // namespace aethex::actors::engagement_events

// overlays/<channel>: the overlay token and the now-playing line (actors/overlays/overlays.hpp).
#include "actors/overlays/overlays.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/core/text.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace overlays_ev {

using json = nlohmann::json;

struct token {
  static constexpr std::string_view type = "overlays.token";
  static constexpr std::uint32_t schema = 1;
  std::string value;
};
inline void to_json(json& j, const token& e) { j = json{{"token", e.value}}; }
inline void from_json(const json& j, token& e) { e.value = j.at("token").get<std::string>(); }

struct now_playing {
  static constexpr std::string_view type = "overlays.now_playing";
  static constexpr std::uint32_t schema = 1;
  std::string title;
  std::string artist;
};
inline void to_json(json& j, const now_playing& e) {
  j = json{{"title", e.title}, {"artist", e.artist}};
}
inline void from_json(const json& j, now_playing& e) {
  e.title = j.value("title", "");
  e.artist = j.value("artist", "");
}

/// The follower goal the goals overlay shows beside the tip campaign (0: none).
struct goals {
  static constexpr std::string_view type = "overlays.goals";
  static constexpr std::uint32_t schema = 1;
  std::int64_t followers = 0;
};
inline void to_json(json& j, const goals& e) { j = json{{"followers", e.followers}}; }
inline void from_json(const json& j, goals& e) {
  e.followers = j.value("followers", std::int64_t{0});
}

}  // namespace overlays_ev

namespace {

using json = nlohmann::json;

struct overlays_state {
  static constexpr std::string_view kind = "overlays";
  using events = event_list<overlays_ev::token, overlays_ev::now_playing, overlays_ev::goals>;

  std::string overlay_token;  // empty until the owner first asks
  overlays_ev::now_playing playing;
  std::int64_t playing_at_ms = 0;
  overlays_ev::goals goal;

  void apply(const overlays_ev::token& e, const event_meta&) { overlay_token = e.value; }
  void apply(const overlays_ev::goals& e, const event_meta&) { goal = e; }
  void apply(const overlays_ev::now_playing& e, const event_meta& meta) {
    playing = e;
    playing_at_ms = meta.timestamp_ms;
  }
};

using overlays_actor = caf::stateful_actor<event_sourced<overlays_state>>;

json playing_json(const overlays_state& st) {
  if (st.playing.title.empty() && st.playing.artist.empty())
    return nullptr;
  return json{
    {"title", st.playing.title}, {"artist", st.playing.artist}, {"at_ms", st.playing_at_ms}};
}

json goals_json(const overlays_state& st) {
  return json{{"followers", st.goal.followers > 0 ? json(st.goal.followers) : json(nullptr)}};
}

// {"followers": n | null}: the follower goal (null or 0 clears it); relayed to the room so open
// goals overlays move their bar's end at once.
caf::result<std::string> set_goals(overlays_actor* self, const std::string& text) {
  auto& st = self->state;
  st.touch();
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object())
    return make_error(errc::invalid_json, "the body must be a JSON object");
  overlays_ev::goals next;
  for (auto& [key, value] : j.items()) {
    if (key != "followers")
      return make_error(errc::invalid_argument, "unknown field '" + key + "'");
    if (value.is_null())
      continue;
    if (!value.is_number_integer() || value.get<std::int64_t>() < 0 ||
        value.get<std::int64_t>() > overlay_limits::max_goal)
      return make_error(errc::invalid_argument, "followers is a whole number, 0 to 100000000");
    next.followers = value.get<std::int64_t>();
  }
  if (auto err = st.emit(next))
    return err;
  auto frame = goals_json(st);
  frame["type"] = "overlay_goals";
  entity_ref<chat_protocol>{st.registry(), st.id()}.tell(chat_relay_atom::value, frame.dump());
  return goals_json(st).dump();
}

caf::result<std::string> issue_token(overlays_actor* self) {
  auto& st = self->state;
  st.touch();
  if (auto err = st.emit(overlays_ev::token{runtime::random_hex(overlay_limits::token_bytes)}))
    return err;
  return json{{"token", st.overlay_token}}.dump();
}

caf::error playing_invalid(std::string message) {
  return make_error(errc::invalid_argument, std::move(message));
}

// {"title", "artist"?}: both strings; an empty title (or null body fields) clears the line.
caf::result<std::string> set_playing(overlays_actor* self, const std::string& text) {
  auto& st = self->state;
  st.touch();
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object())
    return make_error(errc::invalid_json, "the body must be a JSON object");
  overlays_ev::now_playing next;
  for (auto& [key, value] : j.items()) {
    if (key != "title" && key != "artist")
      return playing_invalid("unknown field '" + key + "'");
    if (value.is_null())
      continue;
    if (!value.is_string())
      return playing_invalid(key + " must be a string");
    auto s = value.get<std::string>();
    auto limit = key == "title" ? overlay_limits::max_title : overlay_limits::max_artist;
    if (utf8_length(s) > limit)
      return playing_invalid(key + " is at most " + std::to_string(limit) + " characters");
    (key == "title" ? next.title : next.artist) = is_blank(s) ? std::string{} : s;
  }
  if (next.title.empty() && !next.artist.empty())
    return playing_invalid("a now-playing line needs a title");
  if (auto err = st.emit(next))
    return err;
  auto frame = playing_json(st);
  json relay{{"type", "now_playing"},
             {"title", next.title},
             {"artist", next.artist},
             {"at_ms", st.playing_at_ms}};
  entity_ref<chat_protocol>{st.registry(), st.id()}.tell(chat_relay_atom::value, relay.dump());
  return frame.dump();
}

caf::behavior overlays_behavior(overlays_actor* self, caf::actor registry,
                                storage::event_store* store, std::string channel,
                                const runtime::clock* clock) {
  if (auto err = self->state.activate(self, *store, channel, {registry, clock}))
    return self->state.refuse(self, err);
  return {
    [self](overlays_token_atom) -> caf::result<std::string> {
      auto& st = self->state;
      if (st.overlay_token.empty())
        return issue_token(self);
      return st.answer_read(self, json{{"token", st.overlay_token}}.dump());
    },
    [self](overlays_rotate_atom) { return issue_token(self); },
    [self](overlays_check_atom, const std::string& token) -> caf::result<std::string> {
      auto& st = self->state;
      // No token yet: nothing matches (an empty token never does).
      if (st.overlay_token.empty() || !runtime::constant_time_equal(token, st.overlay_token))
        return st.answer_read(self, caf::error{make_error(errc::forbidden,
                                                          "this overlay link is not valid "
                                                          "(the token is wrong or was rotated)",
                                                          "overlay_token")});
      return st.answer_read(
        self, json{{"now_playing", playing_json(st)}, {"goals", goals_json(st)}}.dump());
    },
    [self](overlays_playing_atom) -> std::string {
      auto& st = self->state;
      return st.answer_read(self, playing_json(st).dump());
    },
    [self](overlays_set_playing_atom, const std::string& body) { return set_playing(self, body); },
    [self](overlays_goals_atom) -> std::string {
      auto& st = self->state;
      return st.answer_read(self, goals_json(st).dump());
    },
    [self](overlays_set_goals_atom, const std::string& body) { return set_goals(self, body); },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

const overlay_kind* find_overlay_kind(std::string_view kind) {
  for (const auto& k : overlay_kinds)
    if (k.kind == kind)
      return &k;
  return nullptr;
}

void add_overlays_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                       const runtime::clock& clock) {
  kinds.factories["overlays"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                                 const std::string& channel) {
    return sys.spawn(overlays_behavior, registry, &store, channel, &clock);
  };
}

}  // namespace aethex::actors

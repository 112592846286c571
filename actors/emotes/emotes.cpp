// emotes/<channel>: the list of a channel's custom emotes and the rules of adding one
// (docs/emotes.md). The images live in emote_image entities (emote_image.cpp).
#include "actors/emotes/emotes.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/automod.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/emotes/image_probe.hpp"
#include "actors/emotes/internal.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
namespace img = emote_images;

struct emote {
  std::string code;
  std::string id;
  std::string format;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint64_t bytes = 0;
  std::uint32_t frames = 1;
  std::string by;
  std::int64_t added_at_ms = 0;
  int tier = 0;  // 0 everyone; 1-3 subscribers of at least that tier (actors/subscriptions)
};

namespace ev {
struct added {
  static constexpr std::string_view type = "emotes.added";
  static constexpr std::uint32_t schema = 1;
  emote e;
};
void to_json(json& j, const added& a) {
  j = json{{"code", a.e.code},     {"id", a.e.id},         {"format", a.e.format},
           {"width", a.e.width},   {"height", a.e.height}, {"bytes", a.e.bytes},
           {"frames", a.e.frames}, {"by", a.e.by}};
  if (a.e.tier > 0)
    j["tier"] = a.e.tier;
}
void from_json(const json& j, added& a) {
  a.e.code = j.at("code").get<std::string>();
  a.e.id = j.at("id").get<std::string>();
  a.e.format = j.at("format").get<std::string>();
  a.e.width = j.at("width").get<std::uint32_t>();
  a.e.height = j.at("height").get<std::uint32_t>();
  a.e.bytes = j.at("bytes").get<std::uint64_t>();
  a.e.frames = j.value("frames", std::uint32_t{1});
  a.e.by = j.value("by", "");
  a.e.tier = j.value("tier", 0);
}
struct deleted {
  static constexpr std::string_view type = "emotes.deleted";
  static constexpr std::uint32_t schema = 1;
  std::string code;
  std::string by;
};
void to_json(json& j, const deleted& e) { j = json{{"code", e.code}, {"by", e.by}}; }
void from_json(const json& j, deleted& e) {
  e.code = j.at("code").get<std::string>();
  e.by = j.value("by", "");
}
struct taken_down {
  static constexpr std::string_view type = "emotes.taken_down";
  static constexpr std::uint32_t schema = 1;
  std::string code;
  std::string id;
  std::string reason;
};
void to_json(json& j, const taken_down& e) {
  j = json{{"code", e.code}, {"id", e.id}, {"reason", e.reason}};
}
void from_json(const json& j, taken_down& e) {
  e.code = j.at("code").get<std::string>();
  e.id = j.at("id").get<std::string>();
  e.reason = j.value("reason", "");
}
struct tier_set {
  static constexpr std::string_view type = "emotes.tier_set";
  static constexpr std::uint32_t schema = 1;
  std::string code;
  int tier = 0;
  std::string by;
};
void to_json(json& j, const tier_set& e) {
  j = json{{"code", e.code}, {"tier", e.tier}, {"by", e.by}};
}
void from_json(const json& j, tier_set& e) {
  e.code = j.at("code").get<std::string>();
  e.tier = j.value("tier", 0);
  e.by = j.value("by", "");
}
}  // namespace ev

struct emotes_state {
  static constexpr std::string_view kind = "emotes";
  static inline const char* name = "emotes";
  using events = event_list<ev::added, ev::deleted, ev::taken_down, ev::tier_set>;

  std::vector<emote> emotes;     // oldest first
  std::set<std::string> barred;  // image ids taken down
  std::set<std::string> adding;  // codes whose image is being stored (in memory)
  std::uint64_t adding_bytes = 0;

  bool keep_active() const { return !adding.empty(); }  // a reply is on its way
  const emote* find(std::string_view code) const {
    auto it = std::find_if(emotes.begin(), emotes.end(), [&](auto& e) { return e.code == code; });
    return it == emotes.end() ? nullptr : &*it;
  }
  std::uint64_t total_bytes() const {
    std::uint64_t sum = adding_bytes;
    for (auto& e : emotes)
      sum += e.bytes;
    return sum;
  }
  void remove(std::string_view code) {
    std::erase_if(emotes, [&](auto& e) { return e.code == code; });
  }

  void apply(const ev::added& a, const event_meta& meta) {
    remove(a.e.code);
    emotes.push_back(a.e);
    emotes.back().added_at_ms = meta.timestamp_ms;
  }
  void apply(const ev::deleted& e, const event_meta&) { remove(e.code); }
  void apply(const ev::tier_set& e, const event_meta&) {
    for (auto& em : emotes)
      if (em.code == e.code)
        em.tier = e.tier;
  }
  void apply(const ev::taken_down& e, const event_meta&) {
    remove(e.code);
    barred.insert(e.id);
  }
};

using emotes_actor = caf::stateful_actor<event_sourced<emotes_state>>;

json emote_json(const std::string& channel, const emote& e) {
  return json{{"code", e.code},
              {"id", e.id},
              {"format", e.format},
              {"width", e.width},
              {"height", e.height},
              {"bytes", e.bytes},
              {"frames", e.frames},
              {"url", emote_url(channel, e.id)},
              {"added_at_ms", e.added_at_ms},
              {"added_by", e.by},
              {"tier", e.tier}};
}

json list_json(const emotes_state& st, const std::string& channel) {
  json list = json::array();
  for (auto& e : st.emotes)
    list.push_back(emote_json(channel, e));
  return list;
}

// What viewers and the chat room hear after every change.
void announce(emotes_actor* self) {
  auto& st = self->state;
  if (!org_of_emote_set(st.id()).empty())  // an org's set: orgstreams/<slug> tells the rooms
    return;
  json codes = json::array();
  for (auto& e : st.emotes)  // sub emotes name their tier (chat_room.hpp)
    codes.push_back(e.tier > 0 ? json{{"code", e.code}, {"tier", e.tier}} : json(e.code));
  entity_ref<chat_protocol> room{st.registry(), st.id()};
  room.tell(chat_emotes_atom::value, codes.dump());
  room.tell(chat_relay_atom::value,
            json{{"type", "emotes"}, {"emotes", list_json(st, st.id())}}.dump());
}

caf::error invalid(std::string message) {
  return make_error(errc::invalid_argument, std::move(message));
}

// The code's words as AutoMod reads them: "aethexHype_Train" -> "aethex Hype Train".
std::string code_words(std::string_view code) {
  std::string out;
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    bool upper_after_lower = i > 0 && std::isupper(static_cast<unsigned char>(c)) &&
                             std::islower(static_cast<unsigned char>(code[i - 1]));
    if (c == '_' || upper_after_lower)
      out += ' ';
    if (c != '_')
      out += c;
  }
  return out;
}

caf::error check_code(std::string_view code) {
  if (!valid_emote_code(code))
    return invalid("an emote code is 3-25 letters, digits or '_'");
  auto& builtin = builtin_emotes();
  if (std::find(builtin.begin(), builtin.end(), code) != builtin.end())
    return invalid("'" + std::string{code} + "' is a built-in emote");
  for (const auto& text : {code_words(code), std::string{code}}) {
    automod::message_input input{text, automod::max_level, true};
    if (automod::classify(input))
      return make_error(errc::invalid_argument, "this emote code is not allowed",
                        "emote_code_not_allowed");
  }
  return caf::none;
}

caf::expected<emote> check_image(const emotes_state& st, std::string_view code,
                                 std::string_view bytes) {
  auto probed = img::probe({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
  if (auto* problem = std::get_if<img::probe_error>(&probed))
    return make_error(problem->unsupported_format ? errc::unsupported_media_type
                                                  : errc::invalid_argument,
                      problem->message);
  auto info = std::get<img::image_info>(probed);
  using L = emote_limits;
  auto limit = info.format == img::image_format::png ? L::png_max_bytes : L::gif_max_bytes;
  if (bytes.size() > limit)
    return make_error(errc::payload_too_large, std::string{"a "} + img::format_name(info.format) +
                                                 " emote is at most " +
                                                 std::to_string(limit / 1024) + " KiB");
  if (info.width != info.height)
    return invalid("an emote must be square");
  if (info.width < L::min_side || info.width > L::max_side)
    return invalid("an emote is 28-112 pixels a side");
  if (info.frames > L::max_frames)
    return invalid("an animated emote has at most 60 frames");
  auto id = emote_image_id(bytes);
  if (st.barred.count(id))
    return make_error(errc::conflict, "this image was taken down on this channel");
  for (auto& e : st.emotes)
    if (e.id == id)
      return make_error(errc::conflict, "this image is already the emote :" + e.code + ":");
  if (st.find(code) || st.adding.count(std::string{code}))
    return make_error(errc::conflict,
                      "the channel already has an emote '" + std::string{code} + "'");
  if (st.emotes.size() + st.adding.size() >= L::max_emotes)
    return make_error(errc::conflict, "a channel has at most 50 emotes");
  if (st.total_bytes() + bytes.size() > L::max_total_bytes)
    return make_error(errc::conflict, "a channel's emotes take at most 4 MiB");
  return emote{std::string{code}, id,          img::format_name(info.format),
               info.width,        info.height, bytes.size(),
               info.frames,       {}};
}

caf::result<std::string> add(emotes_actor* self, const std::string& code, std::string bytes,
                             const std::string& by) {
  auto& st = self->state;
  if (auto err = check_code(code))
    return err;
  auto checked = check_image(st, code, bytes);
  if (!checked)
    return checked.error();
  checked->by = by;
  st.adding.insert(code);
  st.adding_bytes += bytes.size();
  auto promise = self->make_response_promise<std::string>();
  auto done = [self, code, size = bytes.size()] {
    self->state.adding.erase(code);
    self->state.adding_bytes -= size;
  };
  entity_ref<emote_image_protocol>{st.registry(), emote_image_entity(st.id(), checked->id)}
    .request(self, emote_store_atom::value, checked->format, std::move(bytes))
    .then(
      [self, promise, done, e = *checked](std::string&) mutable {
        done();
        auto& st = self->state;
        if (auto err = st.emit(ev::added{e})) {
          promise.deliver(err);
          return;
        }
        announce(self);
        promise.deliver(emote_json(st.id(), *st.find(e.code)).dump());
      },
      [promise, done](caf::error& err) mutable {
        done();
        promise.deliver(err);
      });
  return promise;
}

// Deleted and taken-down emotes' images stop being served.
void erase_image(emotes_actor* self, const std::string& id) {
  entity_ref<emote_image_protocol>{self->state.registry(), emote_image_entity(self->state.id(), id)}
    .tell(emote_erase_atom::value);
}

json limits_json() {
  using L = emote_limits;
  return json{{"max_emotes", L::max_emotes},       {"max_total_bytes", L::max_total_bytes},
              {"png_max_bytes", L::png_max_bytes}, {"gif_max_bytes", L::gif_max_bytes},
              {"min_side", L::min_side},           {"max_side", L::max_side},
              {"max_frames", L::max_frames}};
}

caf::behavior emotes_behavior(emotes_actor* self, caf::actor registry, storage::event_store* store,
                              std::string channel, const runtime::clock* clock) {
  if (auto err = self->state.activate(self, *store, channel, {registry, clock}))
    return self->state.refuse(self, err);
  return {
    [self](emote_list_atom) -> std::string {
      auto& st = self->state;
      return st.answer_read(
        self, json{{"emotes", list_json(st, st.id())}, {"limits", limits_json()}}.dump());
    },
    [self](emote_add_atom, const std::string& code, std::string& bytes, const std::string& by) {
      self->state.touch();
      return add(self, code, std::move(bytes), by);
    },
    [self](emote_delete_atom, const std::string& code,
           const std::string& by) -> caf::result<std::string> {
      auto& st = self->state;
      const auto* e = st.find(code);
      if (!e)
        return st.answer_read(self, make_error(errc::not_found, "no emote '" + code + "'"));
      auto id = e->id;
      if (auto err = st.emit(ev::deleted{code, by}))
        return err;
      erase_image(self, id);
      announce(self);
      return json{{"deleted", code}}.dump();
    },
    [self](emote_takedown_atom, const std::string& code,
           const std::string& reason) -> caf::result<std::string> {
      auto& st = self->state;
      const auto* e = st.find(code);
      if (!e)
        return st.answer_read(self, make_error(errc::not_found, "no emote '" + code + "'"));
      auto id = e->id;
      if (auto err = st.emit(ev::taken_down{code, id, reason}))
        return err;
      erase_image(self, id);
      announce(self);
      return json{{"deleted", code}}.dump();
    },
    [self](emote_tier_atom, const std::string& code, std::int32_t tier,
           const std::string& by) -> caf::result<std::string> {
      auto& st = self->state;
      const auto* e = st.find(code);
      if (!e)
        return st.answer_read(self, make_error(errc::not_found, "no emote '" + code + "'"));
      if (tier < 0 || tier > 3)
        return invalid("an emote's tier is 0 (everyone) or 1-3 (subscribers)");
      if (e->tier != tier) {
        if (auto err = st.emit(ev::tier_set{code, tier, by}))
          return err;
        announce(self);
      }
      return emote_json(st.id(), *st.find(code)).dump();
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

bool valid_emote_code(std::string_view code) {
  if (code.size() < emote_limits::min_code || code.size() > emote_limits::max_code)
    return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void add_emote_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                     const runtime::clock& clock) {
  kinds.factories["emotes"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                               const std::string& channel) {
    return sys.spawn(emotes_behavior, registry, &store, channel, &clock);
  };
  add_emote_image_kind(kinds, store, clock);
}

}  // namespace aethex::actors

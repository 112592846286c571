#include "actors/webinars/webinars.hpp"

#include <utility>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/vod/vod_hold.hpp"
#include "actors/webinars/webinar.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

namespace wev {
// Every event's payload is a JSON object; the typed wrappers only name them.
#define AETHEX_WEBINAR_EVENT(cls, name)                      \
  struct cls {                                               \
    static constexpr std::string_view type = name;           \
    static constexpr std::uint32_t schema = 1;               \
    json body = json::object();                              \
  };                                                         \
  inline void to_json(json& j, const cls& e) { j = e.body; } \
  inline void from_json(const json& j, cls& e) { e.body = j.is_object() ? j : json::object(); }
AETHEX_WEBINAR_EVENT(created, "webinar.created")
AETHEX_WEBINAR_EVENT(updated, "webinar.updated")
AETHEX_WEBINAR_EVENT(deleted, "webinar.deleted")
AETHEX_WEBINAR_EVENT(registered, "webinar.registered")
AETHEX_WEBINAR_EVENT(unregistered, "webinar.unregistered")
AETHEX_WEBINAR_EVENT(slides_uploaded, "webinar.slides_uploaded")
AETHEX_WEBINAR_EVENT(slides_rendered, "webinar.slides_rendered")
AETHEX_WEBINAR_EVENT(slides_failed, "webinar.slides_failed")
AETHEX_WEBINAR_EVENT(slide_changed, "webinar.slide_changed")
#undef AETHEX_WEBINAR_EVENT
}  // namespace wev

struct webinar_state {
  static constexpr std::string_view kind = "webinar";
  static inline const char* name = "webinar";
  using events =
    event_list<wev::created, wev::updated, wev::deleted, wev::registered, wev::unregistered,
               wev::slides_uploaded, wev::slides_rendered, wev::slides_failed, wev::slide_changed>;

  webinar_record w;

  bool live() const { return !w.channel.empty() && !w.deleted; }

  void apply(const wev::created& e, const event_meta&) {
    w.channel = e.body.value("channel", "");
    (void)apply_webinar_body(e.body.value("fields", json::object()), false, w);
  }
  void apply(const wev::updated& e, const event_meta&) {
    (void)apply_webinar_body(e.body.value("fields", json::object()), true, w);
  }
  void apply(const wev::deleted&, const event_meta&) { w.deleted = true; }
  void apply(const wev::registered& e, const event_meta&) {
    w.registered.insert(e.body.value("user", ""));
  }
  void apply(const wev::unregistered& e, const event_meta&) {
    w.registered.erase(e.body.value("user", ""));
  }
  void apply(const wev::slides_uploaded& e, const event_meta&) {
    webinar_slides s = w.slides.value_or(webinar_slides{});
    s.upload = e.body.value("upload", 0u);
    s.rendering = true;
    s.error.clear();
    s.rendered = 0;
    w.slides = s;
  }
  void apply(const wev::slides_rendered& e, const event_meta&) {
    if (!w.slides || w.slides->upload != e.body.value("upload", 0u))
      return;
    w.slides->pages = e.body.value("pages", 0u);
    w.slides->rendered = w.slides->pages;
    w.slides->node = e.body.value("node", "");
    w.slides->rendering = false;
    w.slides->current = 1;
  }
  void apply(const wev::slides_failed& e, const event_meta&) {
    if (!w.slides || w.slides->upload != e.body.value("upload", 0u))
      return;
    w.slides->rendering = false;
    w.slides->error = e.body.value("reason", "");
  }
  void apply(const wev::slide_changed& e, const event_meta&) {
    if (w.slides)
      w.slides->current = e.body.value("page", std::int64_t{1});
  }

  std::string snapshot() const { return webinar_snapshot(w).dump(); }
  void restore(const std::string& text) {
    auto id = w.id;
    w = webinar_from_snapshot(json::parse(text));
    w.id = id;
  }
};

using webinar_actor = caf::stateful_actor<event_sourced<webinar_state>>;

constexpr std::uint64_t webinar_snapshot_every = 256;

caf::error webinar_missing() { return make_error(errc::not_found, "webinar not found"); }

// None when the webinar exists (and marks activity); a missing one lets its activation go.
caf::error need_webinar(webinar_actor* self) {
  auto& st = self->state;
  if (!st.exists())
    return st.require_exists(self, webinar_missing());
  if (!st.live())
    return webinar_missing();
  st.touch();
  return caf::none;
}

std::string current_json(webinar_actor* self) {
  auto& st = self->state;
  return webinar_json(st.w, st.clock().now_ms()).dump();
}

// The room relays the page to every open page of the channel (docs/webinars.md, Sync).
void tell_room_slide(webinar_actor* self, std::int64_t at_ms) {
  auto& st = self->state;
  const auto& s = *st.w.slides;
  json frame{{"type", "slide"},
             {"webinar", st.id()},
             {"page", s.current},
             {"pages", s.pages},
             {"url", "/api/v1/webinars/" + st.id() + "/slides/" + std::to_string(s.current) +
                       ".png?v=" + std::to_string(s.upload)},
             {"at_ms", at_ms}};
  entity_ref<chat_protocol>{st.registry(), st.w.channel}.tell(chat_relay_atom::value, frame.dump());
}

// An attendee-only webinar holds its channel's recordings private from their first moment
// (vodhold/<channel>, actors/vod/vod_hold.hpp) over its window, from a while before its start
// (a presenter goes live early); any other webinar, or a deleted one, holds nothing. Sent after
// each event that may change it; the hold entity ignores a repeat.
void tell_vod_hold(webinar_actor* self) {
  auto& st = self->state;
  bool hold = !st.w.deleted && st.w.access == "registered";
  auto from = hold ? st.w.starts_at_ms - webinar_limits::vod_hold_early_ms : 0;
  auto to = hold ? st.w.ends_at_ms() : 0;
  entity_ref<vod_hold_protocol>{st.registry(), st.w.channel}.tell(
    vod_hold_atom::value, std::string{webinar_stream_prefix} + st.id(), from, to);
}

caf::result<std::string> access_answer(webinar_actor* self, const runtime::principal& who) {
  if (auto err = need_webinar(self))
    return err;
  auto& st = self->state;
  if (who.is_admin() || !who.is_user())
    return access_json(access_of(st.w, who.name, false, who.is_admin(), "", false)).dump();
  // The channel's roles are its chat room's (as check_channel_role reads them).
  auto promise = self->make_response_promise<std::string>();
  entity_ref<chat_protocol>{st.registry(), st.w.channel}
    .request(self, chat_info_atom::value, who)
    .then(
      [self, who, promise](const std::string& info) mutable {
        auto j = json::parse(info, nullptr, false);
        auto role = j.is_object() ? j.value("role", std::string{}) : std::string{};
        promise.deliver(
          access_json(access_of(self->state.w, who.name, true, false, role, false)).dump());
      },
      [self, who, promise](caf::error&) mutable {
        promise.deliver(
          access_json(access_of(self->state.w, who.name, true, false, "", false)).dump());
      });
  return promise;
}

caf::behavior webinar_behavior(webinar_actor* self, caf::actor registry,
                               storage::event_store* store, std::string id,
                               const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = webinar_snapshot_every;
  st.w.id = id;
  if (auto err = st.activate(self, *store, id, opts))
    return st.refuse(self, std::move(err));
  auto need = [self]() { return need_webinar(self); };
  return {
    [self](webinar_get_atom) -> caf::result<std::string> {
      if (auto err = need_webinar(self))
        return err;
      return current_json(self);
    },
    [self](webinar_access_atom, const runtime::principal& who) { return access_answer(self, who); },
    [self](webinar_create_atom, const std::string& channel, const std::string& by,
           const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (st.exists())
        return make_error(errc::conflict, "webinar already exists");
      auto parsed = json::parse(body, nullptr, false);
      if (!parsed.is_object())
        return make_error(errc::invalid_json, "a webinar must be a JSON object");
      webinar_record probe;
      auto fields = apply_webinar_body(parsed, false, probe);
      if (!fields)
        return fields.error();
      if (auto err = st.emit(wev::created{
            json{{"channel", channel}, {"fields", *fields}, {"by", by}}}))
        return err;
      tell_vod_hold(self);
      return current_json(self);
    },
    [self, need](webinar_update_atom, const std::string& by,
                 const std::string& patch) -> caf::result<std::string> {
      if (auto err = need())
        return err;
      auto& st = self->state;
      auto parsed = json::parse(patch, nullptr, false);
      if (!parsed.is_object())
        return make_error(errc::invalid_json, "a change must be a JSON object");
      auto probe = st.w;
      auto fields = apply_webinar_body(parsed, true, probe);
      if (!fields)
        return fields.error();
      if (auto err = st.emit(wev::updated{json{{"fields", *fields}, {"by", by}}}))
        return err;
      tell_vod_hold(self);
      return current_json(self);
    },
    [self, need](webinar_delete_atom, const std::string& by) -> caf::result<std::string> {
      if (auto err = need())
        return err;
      auto& st = self->state;
      if (auto err = st.emit(wev::deleted{json{{"by", by}, {"channel", st.w.channel}}}))
        return err;
      tell_vod_hold(self);
      return json{{"deleted", st.id()}}.dump();
    },
    [self, need](webinar_register_atom, const std::string& user,
                 bool on) -> caf::result<std::string> {
      if (auto err = need())
        return err;
      auto& st = self->state;
      if (user.empty())
        return make_error(errc::invalid_argument, "registering needs a signed-in user");
      bool already = st.w.registered.contains(user);
      if (on && !already) {
        if (st.w.registered.size() >= webinar_limits::registrations_max)
          return make_error(errc::conflict, "the webinar is full (10000 registrations)");
        if (auto err = st.emit(wev::registered{json{{"user", user}}}))
          return err;
      } else if (!on && already) {
        if (auto err = st.emit(wev::unregistered{json{{"user", user}}}))
          return err;
      }
      auto j = webinar_json(st.w, st.clock().now_ms());
      j["registered"] = on;
      return j.dump();
    },
    [self, need](webinar_upload_atom, const std::string& by) -> caf::result<std::uint32_t> {
      if (auto err = need())
        return err;
      auto& st = self->state;
      std::uint32_t upload = st.w.slides ? st.w.slides->upload + 1 : 1;
      if (auto err = st.emit(wev::slides_uploaded{json{{"upload", upload}, {"by", by}}}))
        return err;
      return upload;
    },
    [self, need](webinar_page_atom, const std::string& by,
                 std::int64_t page) -> caf::result<std::string> {
      if (auto err = need())
        return err;
      auto& st = self->state;
      if (!st.w.slides || st.w.slides->pages == 0)
        return make_error(errc::conflict, "the webinar has no rendered slides yet");
      if (page < 1 || page > static_cast<std::int64_t>(st.w.slides->pages))
        return make_error(errc::invalid_argument,
                          "'page' must be 1-" + std::to_string(st.w.slides->pages));
      auto now = st.clock().now_ms();
      if (auto err = st.emit_at(now, wev::slide_changed{json{{"channel", st.w.channel},
                                                             {"page", page},
                                                             {"pages", st.w.slides->pages},
                                                             {"by", by}}}))
        return err;
      tell_room_slide(self, now);
      return current_json(self);
    },
    [self](slide_progress_atom, std::uint32_t upload, std::uint32_t rendered, std::uint32_t) {
      auto& st = self->state;
      if (st.w.slides && st.w.slides->upload == upload)
        st.w.slides->rendered = rendered;
    },
    [self](slide_done_atom, std::uint32_t upload, std::uint32_t pages, const std::string& node) {
      auto& st = self->state;
      if (!st.live() || !st.w.slides || st.w.slides->upload != upload)
        return;
      if (
        !st.emit(wev::slides_rendered{json{{"upload", upload}, {"pages", pages}, {"node", node}}}))
        tell_room_slide(self, st.clock().now_ms());
    },
    [self](slide_failed_atom, std::uint32_t upload, const std::string& reason) {
      auto& st = self->state;
      if (!st.live() || !st.w.slides || st.w.slides->upload != upload)
        return;
      (void)st.emit(wev::slides_failed{json{{"upload", upload}, {"reason", reason}}});
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_webinar_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                      const runtime::clock& clock) {
  kinds.factories["webinar"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                                const std::string& id) {
    return sys.spawn(webinar_behavior, registry, &store, id, &clock);
  };
}

}  // namespace aethex::actors

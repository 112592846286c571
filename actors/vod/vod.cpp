#include "actors/vod/vod.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/core/route.hpp"
#include "actors/vod/vod_events.hpp"
#include "actors/vod/vod_hold.hpp"
#include "runtime/bounded_json.hpp"
#include "runtime/errors.hpp"
#include "actors/vod/vod_files.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
namespace ev = vod_events;

constexpr std::size_t max_title_chars = 140;
// Every view is an event: snapshots keep the activation of a watched VOD short.
constexpr std::uint64_t vod_snapshot_every = 64;

struct vod_state {
  static constexpr std::string_view kind = "vod";
  using events = event_list<ev::recorded, ev::progressed, ev::finished, ev::renamed,
                            ev::privacy_changed, ev::viewed, ev::deleted>;

  vod_view view;
  bool finished = false;
  bool deleted = false;

  // A deleted VOD does not exist for its readers (and needs no activation kept).
  bool known() const { return view.started_at_ms != 0 && !deleted; }

  void apply(const ev::recorded& e, const event_meta&) {
    view.channel = e.channel;
    view.title = e.title;
    view.category = e.category;
    view.node = e.node;
    view.started_at_ms = e.started_at_ms;
    view.expires_at_ms = vod_expiry_ms(e.started_at_ms, e.retention_days);
  }
  void apply(const ev::progressed& e, const event_meta&) {
    view.duration_ms = e.duration_ms;
    view.bytes = e.bytes;
  }
  void apply(const ev::finished& e, const event_meta&) {
    view.duration_ms = e.duration_ms;
    view.bytes = e.bytes;
    view.recovered = e.recovered;
    view.state = "ready";
    finished = true;
  }
  void apply(const ev::renamed& e, const event_meta&) { view.title = e.title; }
  void apply(const ev::privacy_changed& e, const event_meta&) { view.privacy = e.privacy; }
  void apply(const ev::viewed&, const event_meta&) { ++view.views; }
  void apply(const ev::deleted&, const event_meta&) { deleted = true; }

  std::string snapshot() const {
    return json{{"channel", view.channel},
                {"title", view.title},
                {"category", view.category},
                {"node", view.node},
                {"started_at_ms", view.started_at_ms},
                {"duration_ms", view.duration_ms},
                {"bytes", view.bytes},
                {"privacy", view.privacy},
                {"views", view.views},
                {"expires_at_ms", view.expires_at_ms},
                {"recovered", view.recovered},
                {"finished", finished},
                {"deleted", deleted}}
      .dump();
  }
  void restore(const std::string& text) {
    auto j = json::parse(text);
    view.channel = j.at("channel").get<std::string>();
    view.title = j.at("title").get<std::string>();
    view.category = j.at("category").get<std::string>();
    view.node = j.at("node").get<std::string>();
    view.started_at_ms = j.at("started_at_ms").get<std::int64_t>();
    view.duration_ms = j.at("duration_ms").get<std::int64_t>();
    view.bytes = j.at("bytes").get<std::uint64_t>();
    view.privacy = j.at("privacy").get<std::string>();
    view.views = j.at("views").get<std::uint64_t>();
    view.expires_at_ms = j.at("expires_at_ms").get<std::int64_t>();
    view.recovered = j.at("recovered").get<bool>();
    finished = j.at("finished").get<bool>();
    deleted = j.at("deleted").get<bool>();
    view.state = finished ? "ready" : "recording";
  }
};

using vod_actor = caf::stateful_actor<event_sourced<vod_state>>;

caf::error no_such_vod() { return make_error(errc::not_found, "VOD not found"); }

bool acts(const runtime::principal& who) { return who.is_admin() || who.is_user(); }

// The first report creates the VOD: born private when its start lies in one of the channel's
// hold windows (vod_hold.hpp), in the same append as vod.recorded.
caf::expected<vod_view> create_vod(vod_actor* self, const vod_recording& r, bool held) {
  auto& st = self->state;
  if (st.view.started_at_ms != 0)
    return st.view;
  // A channel keeps VODs 1-365 days; a recording that says otherwise (an old meta.json) is
  // held to that rather than lost.
  auto days = std::clamp<std::uint32_t>(r.retention_days, 1, 365);
  ev::recorded created{r.channel, r.title, r.category, r.node, r.started_at_ms, days};
  ev::privacy_changed hidden{std::string{vod_privacy::owner_only}};
  caf::error err;
  if (r.finished)
    err = held ? st.emit(created, hidden, ev::finished{r.duration_ms, r.bytes, r.recovered})
               : st.emit(created, ev::finished{r.duration_ms, r.bytes, r.recovered});
  else if (r.duration_ms != 0 || r.bytes != 0)
    err = held ? st.emit(created, hidden, ev::progressed{r.duration_ms, r.bytes})
               : st.emit(created, ev::progressed{r.duration_ms, r.bytes});
  else
    err = held ? st.emit(created, hidden) : st.emit(created);
  if (err)
    return err;
  return st.view;
}

// The report is an upsert: created by the first, figures replaced by later ones, finished once.
caf::result<vod_view> record(vod_actor* self, const vod_recording& r) {
  auto& st = self->state;
  st.touch();
  if (st.deleted || st.finished)
    return st.view;
  if (st.view.started_at_ms == 0) {
    if (r.channel.empty() || r.started_at_ms <= 0)
      return make_error(errc::invalid_argument, "a recording needs a channel and a start time");
    // The channel's holds decide the privacy it is born with. `await`: no other report is
    // handled meanwhile, so two cannot both create it. Without an answer nothing is created
    // (the recorder reports again), rather than a VOD that might be public by mistake.
    auto promise = self->make_response_promise<vod_view>();
    entity_ref<vod_hold_protocol>{st.registry(), r.channel}
      .request(self, vod_held_atom::value, r.started_at_ms)
      .await(
        [self, r, promise](bool held) mutable {
          auto view = create_vod(self, r, held);
          if (view)
            promise.deliver(std::move(*view));
          else
            promise.deliver(std::move(view.error()));
        },
        [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
    return promise;
  }
  caf::error err;
  if (r.finished)
    err = st.emit(ev::finished{r.duration_ms, r.bytes, r.recovered});
  else if (r.duration_ms != st.view.duration_ms || r.bytes != st.view.bytes)
    err = st.emit(ev::progressed{r.duration_ms, r.bytes});
  if (err)
    return err;
  return st.view;
}

caf::result<vod_view> update(vod_actor* self, const runtime::principal& who,
                             const std::string& patch_text) {
  auto& st = self->state;
  st.touch();
  if (auto err = st.require_exists(self, no_such_vod()))
    return err;
  if (!acts(who))
    return make_error(errc::forbidden, "sign in to change a VOD");
  auto patch = runtime::parse_client_json(patch_text);
  if (patch.is_discarded() || !patch.is_object())
    return make_error(errc::invalid_argument, "the change must be a JSON object");
  if (auto err = only_fields(patch, {"title", "privacy"}))
    return err;
  std::optional<std::string> title;
  std::optional<std::string> privacy;
  if (auto it = patch.find("title"); it != patch.end()) {
    auto chars = it->is_string() ? utf8_length(it->get_ref<const std::string&>()) : 0;
    if (chars < 1 || chars > max_title_chars)
      return make_error(errc::invalid_argument, "title must be 1-140 characters");
    if (it->get_ref<const std::string&>() != st.view.title)
      title = it->get<std::string>();
  }
  if (auto it = patch.find("privacy"); it != patch.end()) {
    if (!it->is_string() || !valid_vod_privacy(it->get_ref<const std::string&>()))
      return make_error(errc::invalid_argument,
                        "privacy must be public, followers, subscribers or private");
    if (it->get_ref<const std::string&>() != st.view.privacy)
      privacy = it->get<std::string>();
  }
  caf::error err;
  if (title && privacy)
    err = st.emit(ev::renamed{*title}, ev::privacy_changed{*privacy});
  else if (title)
    err = st.emit(ev::renamed{*title});
  else if (privacy)
    err = st.emit(ev::privacy_changed{*privacy});
  if (err)
    return err;
  return st.view;
}

caf::behavior vod_behavior(vod_actor* self, caf::actor registry, storage::event_store* store,
                           std::string id, const runtime::clock* clock) {
  auto& st = self->state;
  st.view.id = id;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = vod_snapshot_every;
  if (auto err = st.activate(self, *store, id, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](vod_record_atom, const vod_recording& r) -> caf::result<vod_view> {
      if (!actors::vod_files::valid_id(self->state.id()))
        return make_error(errc::invalid_argument, "a VOD id is 12 lower-case hex digits");
      return record(self, r);
    },
    [self](get_atom) -> caf::result<vod_view> {
      self->state.touch();
      if (auto err = self->state.require_exists(self, no_such_vod()))
        return err;
      return self->state.view;
    },
    [self](update_atom, const runtime::principal& who, const std::string& patch) {
      return update(self, who, patch);
    },
    [self](vod_viewed_atom) -> caf::result<std::uint64_t> {
      auto& st = self->state;
      st.touch();
      if (auto err = st.require_exists(self, no_such_vod()))
        return err;
      if (auto err = st.emit(ev::viewed{}))
        return err;
      return st.view.views;
    },
    [self](vod_delete_atom, const runtime::principal& who) -> caf::result<bool> {
      auto& st = self->state;
      st.touch();
      if (auto err = st.require_exists(self, no_such_vod()))
        return err;
      if (!acts(who))
        return make_error(errc::forbidden, "sign in to delete a VOD");
      if (auto err = st.emit(ev::deleted{who.display()}))
        return err;
      return true;
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

bool valid_vod_privacy(std::string_view privacy) {
  return privacy == vod_privacy::everyone || privacy == vod_privacy::followers ||
         privacy == vod_privacy::subscribers || privacy == vod_privacy::owner_only;
}

std::int64_t vod_expiry_ms(std::int64_t started_at_ms, std::uint32_t retention_days) {
  return started_at_ms + std::int64_t{retention_days} * 86'400'000;
}

void add_vod_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                  const runtime::clock& clock) {
  kinds.factories["vod"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                            const std::string& id) {
    return sys.spawn(vod_behavior, registry, &store, id, &clock);
  };
}

}  // namespace aethex::actors

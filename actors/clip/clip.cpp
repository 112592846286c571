#include "actors/clip/clip.hpp"

#include <cmath>
#include <set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/chat_room.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/core/route.hpp"
#include "runtime/bounded_json.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

namespace ev {
struct created {
  static constexpr std::string_view type = "clip.created";
  static constexpr std::uint32_t schema = 1;
  std::string vod;
  std::string channel;
  std::string owner;  // the channel's owner account, "" for a channel of the admin
  std::string creator;
  std::string title;
  double start_s = 0;
  double duration_s = 0;
  bool exact = false;
  bool live = false;
};
struct progressed {
  static constexpr std::string_view type = "clip.progressed";
  static constexpr std::uint32_t schema = 1;
  std::uint32_t percent = 0;
};
struct rendered {
  static constexpr std::string_view type = "clip.rendered";
  static constexpr std::uint32_t schema = 1;
  clip_rendered what;
};
struct failed {
  static constexpr std::string_view type = "clip.failed";
  static constexpr std::uint32_t schema = 1;
  std::string reason;
};
struct renamed {
  static constexpr std::string_view type = "clip.renamed";
  static constexpr std::uint32_t schema = 1;
  std::string title;
};
struct liked {
  static constexpr std::string_view type = "clip.liked";
  static constexpr std::uint32_t schema = 1;
  std::string user;
};
struct unliked {
  static constexpr std::string_view type = "clip.unliked";
  static constexpr std::uint32_t schema = 1;
  std::string user;
};
struct viewed {
  static constexpr std::string_view type = "clip.viewed";
  static constexpr std::uint32_t schema = 1;
};
struct deleted {
  static constexpr std::string_view type = "clip.deleted";
  static constexpr std::uint32_t schema = 1;
  std::string by;
};

void to_json(json& j, const created& e) {
  j = json{{"vod", e.vod},
           {"channel", e.channel},
           {"owner", e.owner},
           {"creator", e.creator},
           {"title", e.title},
           {"start_s", e.start_s},
           {"duration_s", e.duration_s},
           {"exact", e.exact},
           {"live", e.live}};
}
void from_json(const json& j, created& e) {
  e.vod = j.at("vod").get<std::string>();
  e.channel = j.at("channel").get<std::string>();
  e.owner = j.value("owner", "");
  e.creator = j.at("creator").get<std::string>();
  e.title = j.value("title", "");
  e.start_s = j.value("start_s", 0.0);
  e.duration_s = j.value("duration_s", 0.0);
  e.exact = j.value("exact", false);
  e.live = j.value("live", false);
}
void to_json(json& j, const progressed& e) { j = json{{"percent", e.percent}}; }
void from_json(const json& j, progressed& e) { e.percent = j.value("percent", 0U); }
void to_json(json& j, const rendered& e) {
  j = json{{"start_s", e.what.start_s},
           {"duration_s", e.what.duration_s},
           {"bytes", e.what.bytes},
           {"keyframe_start", e.what.keyframe_start},
           {"node", e.what.node}};
}
void from_json(const json& j, rendered& e) {
  e.what.start_s = j.value("start_s", 0.0);
  e.what.duration_s = j.value("duration_s", 0.0);
  e.what.bytes = j.value("bytes", std::uint64_t{0});
  e.what.keyframe_start = j.value("keyframe_start", false);
  e.what.node = j.value("node", "");
}
void to_json(json& j, const failed& e) { j = json{{"reason", e.reason}}; }
void from_json(const json& j, failed& e) { e.reason = j.value("reason", ""); }
void to_json(json& j, const renamed& e) { j = json{{"title", e.title}}; }
void from_json(const json& j, renamed& e) { e.title = j.value("title", ""); }
void to_json(json& j, const liked& e) { j = json{{"user", e.user}}; }
void from_json(const json& j, liked& e) { e.user = j.value("user", ""); }
void to_json(json& j, const unliked& e) { j = json{{"user", e.user}}; }
void from_json(const json& j, unliked& e) { e.user = j.value("user", ""); }
void to_json(json& j, const viewed&) { j = json::object(); }
void from_json(const json&, viewed&) {}
void to_json(json& j, const deleted& e) { j = json{{"by", e.by}}; }
void from_json(const json& j, deleted& e) { e.by = j.value("by", ""); }
}  // namespace ev

// Every view is an event: snapshots keep the activation of a watched clip short.
constexpr std::uint64_t snapshot_every = 64;
// Progress is journalled in steps of this many percent; finer reports only live in memory.
constexpr std::uint32_t progress_step = 10;
// Reasons from a renderer are shown to people: kept short.
constexpr std::size_t max_reason_bytes = 300;

struct clip_state {
  static constexpr std::string_view kind = "clip";
  using events = event_list<ev::created, ev::progressed, ev::rendered, ev::failed, ev::renamed,
                            ev::liked, ev::unliked, ev::viewed, ev::deleted>;

  clip_view view;
  std::string owner;
  // Who likes it, for likes that count once per user. Grows with the clip's audience (a
  // snapshot every 64 events carries it), like a VOD's views.
  std::set<std::string, std::less<>> likers;
  std::uint32_t journalled_progress = 0;
  bool created_ = false;
  bool deleted_ = false;

  // A deleted clip does not exist for its readers.
  bool known() const { return created_ && !deleted_; }
  bool rendering() const { return view.state == "rendering"; }

  void apply(const ev::created& e, const event_meta& meta) {
    view.vod = e.vod;
    view.channel = e.channel;
    owner = e.owner;
    view.creator = e.creator;
    view.title = e.title;
    view.start_s = e.start_s;
    view.duration_s = e.duration_s;
    view.exact = e.exact;
    view.live = e.live;
    view.state = "rendering";
    view.created_at_ms = meta.timestamp_ms;
    created_ = true;
  }
  void apply(const ev::progressed& e, const event_meta&) {
    journalled_progress = e.percent;
    view.progress = std::max(view.progress, e.percent);
  }
  void apply(const ev::rendered& e, const event_meta&) {
    view.state = "ready";
    view.progress = 100;
    view.error.clear();
    view.start_s = e.what.start_s;
    view.duration_s = e.what.duration_s;
    view.bytes = e.what.bytes;
    view.keyframe_start = e.what.keyframe_start;
    view.node = e.what.node;
  }
  void apply(const ev::failed& e, const event_meta&) {
    view.state = "failed";
    view.error = e.reason;
  }
  void apply(const ev::renamed& e, const event_meta&) { view.title = e.title; }
  void apply(const ev::liked& e, const event_meta&) {
    if (likers.insert(e.user).second)
      ++view.likes;
  }
  void apply(const ev::unliked& e, const event_meta&) {
    if (likers.erase(e.user) > 0)
      --view.likes;
  }
  void apply(const ev::viewed&, const event_meta&) { ++view.views; }
  void apply(const ev::deleted&, const event_meta&) { deleted_ = true; }

  std::string snapshot() const {
    return json{{"vod", view.vod},
                {"channel", view.channel},
                {"owner", owner},
                {"creator", view.creator},
                {"title", view.title},
                {"state", view.state},
                {"progress", journalled_progress},
                {"error", view.error},
                {"start_s", view.start_s},
                {"duration_s", view.duration_s},
                {"bytes", view.bytes},
                {"exact", view.exact},
                {"live", view.live},
                {"keyframe_start", view.keyframe_start},
                {"node", view.node},
                {"views", view.views},
                {"created_at_ms", view.created_at_ms},
                {"likers", likers},
                {"created", created_},
                {"deleted", deleted_}}
      .dump();
  }
  void restore(const std::string& text) {
    auto j = json::parse(text);
    view.vod = j.at("vod").get<std::string>();
    view.channel = j.at("channel").get<std::string>();
    owner = j.at("owner").get<std::string>();
    view.creator = j.at("creator").get<std::string>();
    view.title = j.at("title").get<std::string>();
    view.state = j.at("state").get<std::string>();
    journalled_progress = j.at("progress").get<std::uint32_t>();
    view.progress = view.state == "ready" ? 100 : journalled_progress;
    view.error = j.at("error").get<std::string>();
    view.start_s = j.at("start_s").get<double>();
    view.duration_s = j.at("duration_s").get<double>();
    view.bytes = j.at("bytes").get<std::uint64_t>();
    view.exact = j.at("exact").get<bool>();
    view.live = j.at("live").get<bool>();
    view.keyframe_start = j.at("keyframe_start").get<bool>();
    view.node = j.at("node").get<std::string>();
    view.views = j.at("views").get<std::uint64_t>();
    view.created_at_ms = j.at("created_at_ms").get<std::int64_t>();
    likers = j.at("likers").get<std::set<std::string, std::less<>>>();
    view.likes = likers.size();
    created_ = j.at("created").get<bool>();
    deleted_ = j.at("deleted").get<bool>();
  }
};

using clip_actor = caf::stateful_actor<event_sourced<clip_state>>;

caf::error no_such_clip() { return make_error(errc::not_found, "clip not found"); }

// Renaming and deleting: the creator, the channel's owner, the admin.
bool may_change(const clip_state& st, const runtime::principal& who) {
  return who.is_admin() || who.is_user(st.view.creator) ||
         (!st.owner.empty() && who.is_user(st.owner));
}

caf::error title_error(const json& title) {
  auto chars = title.is_string() ? utf8_length(title.get_ref<const std::string&>()) : 0;
  if (chars < 1 || chars > max_clip_title_chars)
    return make_error(errc::invalid_argument, "title must be 1-140 characters");
  return caf::none;
}

bool finite_number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() && std::isfinite(it->get<double>());
}

caf::result<clip_view> create(clip_actor* self, const std::string& text) {
  auto& st = self->state;
  st.touch();
  if (st.exists())  // made before (deleted ones too: ids are never reused)
    return make_error(errc::conflict, "clip " + st.id() + " exists");
  auto refuse = [self](std::string why) -> caf::error {
    self->state.passivate(self);  // nothing was written: no activation kept
    return make_error(errc::invalid_argument, std::move(why));
  };
  if (!valid_clip_id(st.id()))
    return refuse("a clip id is 12 lower-case hex digits");
  auto j = runtime::parse_client_json(text);
  if (!j.is_object())
    return refuse("a clip is made from a JSON object");
  for (auto key : {"vod", "channel", "creator"})
    if (!j.contains(key) || !j[key].is_string() || j[key].get_ref<const std::string&>().empty())
      return refuse(std::string{"a clip needs '"} + key + "'");
  if (auto err = title_error(j.value("title", json{})))
    return refuse(message_of(err));
  if (!finite_number(j, "start_s") || !finite_number(j, "duration_s") ||
      j["duration_s"].get<double>() <= 0)
    return refuse("a clip needs a finite start_s and a positive duration_s");
  ev::created e;
  e.vod = j["vod"].get<std::string>();
  e.channel = j["channel"].get<std::string>();
  // Optional fields of the wrong type read as absent: the message never throws in the actor.
  auto flag = [&j](const char* key) {
    return j.contains(key) && j[key].is_boolean() && j[key].get<bool>();
  };
  e.owner = j.contains("owner") && j["owner"].is_string() ? j["owner"].get<std::string>() : "";
  e.creator = j["creator"].get<std::string>();
  e.title = j["title"].get<std::string>();
  e.start_s = j["start_s"].get<double>();
  e.duration_s = j["duration_s"].get<double>();
  e.exact = flag("exact");
  e.live = flag("live");
  if (auto err = st.emit(e))
    return err;
  return st.view;
}

caf::result<clip_view> update(clip_actor* self, const runtime::principal& who,
                              const std::string& text) {
  auto& st = self->state;
  st.touch();
  if (auto err = st.require_exists(self, no_such_clip()))
    return err;
  if (!may_change(st, who))
    return make_error(errc::forbidden,
                      "only the clip's creator or the channel's owner may "
                      "change it");
  auto patch = runtime::parse_client_json(text);
  if (!patch.is_object())
    return make_error(errc::invalid_argument, "the change must be a JSON object");
  if (auto err = only_fields(patch, {"title"}))
    return err;
  if (auto it = patch.find("title"); it != patch.end()) {
    if (auto err = title_error(*it))
      return err;
    if (it->get_ref<const std::string&>() != st.view.title)
      if (auto err = st.emit(ev::renamed{it->get<std::string>()}))
        return err;
  }
  return st.view;
}

void progress(clip_actor* self, std::uint32_t percent) {
  auto& st = self->state;
  st.touch();
  if (!st.known() || !st.rendering())
    return;
  percent = std::min<std::uint32_t>(percent, 99);  // 100 is "rendered"
  if (percent <= st.view.progress)
    return;
  if (percent / progress_step > st.journalled_progress / progress_step) {
    if (st.emit(ev::progressed{percent}))
      return;  // not journalled: the next report tries again
  }
  st.view.progress = percent;
}

caf::behavior clip_behavior(clip_actor* self, caf::actor registry, storage::event_store* store,
                            std::string id, const runtime::clock* clock) {
  auto& st = self->state;
  st.view.id = id;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = snapshot_every;
  if (auto err = st.activate(self, *store, id, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](create_atom, const std::string& text) { return create(self, text); },
    [self](get_atom) -> caf::result<clip_view> {
      auto& st = self->state;
      st.touch();
      if (auto err = st.require_exists(self, no_such_clip()))
        return err;
      return st.view;
    },
    [self](clip_progress_atom, std::uint32_t percent) { progress(self, percent); },
    [self](clip_done_atom, const clip_rendered& what) {
      auto& st = self->state;
      st.touch();
      // A late or repeated report (a clip already failed, ready or deleted) changes nothing.
      if (!st.known() || !st.rendering())
        return;
      if (!std::isfinite(what.start_s) || !std::isfinite(what.duration_s))
        return;
      (void)st.emit(ev::rendered{what});
    },
    [self](clip_failed_atom, const std::string& why) {
      auto& st = self->state;
      st.touch();
      if (!st.known() || !st.rendering())
        return;
      auto reason = why;
      if (reason.size() > max_reason_bytes)
        reason.resize(max_reason_bytes);  // the event's encoding replaces a cut character
      (void)st.emit(ev::failed{reason.empty() ? std::string{"rendering failed"} : reason});
    },
    [self](update_atom, const runtime::principal& who, const std::string& patch) {
      return update(self, who, patch);
    },
    [self](clip_like_atom, const std::string& user, bool like) -> caf::result<clip_view> {
      auto& st = self->state;
      st.touch();
      if (auto err = st.require_exists(self, no_such_clip()))
        return err;
      if (user.empty())
        return make_error(errc::invalid_argument, "a like needs a user");
      if (like != st.likers.contains(user)) {
        auto err = like ? st.emit(ev::liked{user}) : st.emit(ev::unliked{user});
        if (err)
          return err;
      }
      return st.view;
    },
    [self](clip_viewed_atom) -> caf::result<std::uint64_t> {
      auto& st = self->state;
      st.touch();
      if (auto err = st.require_exists(self, no_such_clip()))
        return err;
      if (auto err = st.emit(ev::viewed{}))
        return err;
      return st.view.views;
    },
    [self](clip_delete_atom, const runtime::principal& who) -> caf::result<bool> {
      auto& st = self->state;
      st.touch();
      if (auto err = st.require_exists(self, no_such_clip()))
        return err;
      if (!may_change(st, who))
        return make_error(errc::forbidden,
                          "only the clip's creator or the channel's owner may "
                          "delete it");
      if (auto err = st.emit(ev::deleted{who.display()}))
        return err;
      return true;
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_clip_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   const runtime::clock& clock) {
  kinds.factories["clip"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                             const std::string& id) {
    return sys.spawn(clip_behavior, registry, &store, id, &clock);
  };
}

}  // namespace aethex::actors

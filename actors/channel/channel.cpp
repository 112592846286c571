#include "actors/channel/channel.hpp"

#include <algorithm>
#include <chrono>
#include <deque>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/channel/channel_events.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/channel/stream_session.hpp"
#include "actors/orgstreams/orgstreams.hpp"
#include "runtime/atoms.hpp"
#include "runtime/bounded_json.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr auto idle_check_interval = 60s;
constexpr auto idle_before_passivation = 10min;
// A live flag found at activation stays while the ingest node's session reports its health
// (every second); without a report for this long, the session died with its node.
using stale_live_atom = caf::atom_constant<caf::atom("stalelive")>;
constexpr auto stale_live_grace = 5s;
constexpr std::size_t max_title = 140;
constexpr std::size_t max_category = 64;
constexpr std::size_t max_description = 1000;
constexpr std::size_t max_tags = 10;
constexpr std::size_t max_tag = 25;
constexpr std::int64_t min_vod_retention_days = 1;
constexpr std::int64_t max_vod_retention_days = 365;

struct channel_state {
  static constexpr std::string_view kind = "channel";
  static inline const char* name = "channel";
  using events =
    event_list<channel_events::created, channel_events::updated, channel_events::key_rotated,
               channel_events::went_live, channel_events::went_offline, channel_events::featured>;

  channel_view view;
  std::string stream_key;
  std::optional<stream_health> health;       // latest report of the live session; not persisted
  std::string unconfirmed_session;           // live at activation, no health report from it since
  std::deque<health_sample> health_samples;  // the live session's last hour; not persisted
  // The live session's viewers once a minute (oldest first), for its growth over the window;
  // not persisted: after a restart growth counts from the first sample.
  std::deque<std::pair<std::int64_t, std::uint64_t>> viewer_samples;

  void sample_viewers(std::int64_t now_ms) {
    if (viewer_samples.empty() || now_ms - viewer_samples.back().first >= 60'000)
      viewer_samples.emplace_back(now_ms, view.viewers);
    // Keep one sample at least a window old: the newest such is the growth's base.
    while (viewer_samples.size() > 1 && now_ms - viewer_samples[1].first >= viewer_growth_window_ms)
      viewer_samples.pop_front();
    bool window_covered = now_ms - view.started_at_ms >= viewer_growth_window_ms;
    view.viewers_window_ago = window_covered ? viewer_samples.front().second : 0;
  }

  bool keep_active() const { return view.live; }

  void apply(const channel_events::created& e, const event_meta& meta) {
    view.name = e.name;
    view.owner = e.owner;
    // Channels made with the admin token belong to the admin principal. Events written before
    // the owner's kind was recorded said "admin" only in that case (or when an account had
    // squatted the name, which must not make it the owner).
    view.owner_is_admin = e.owner_kind ? *e.owner_kind == "admin" : view.owner == "admin";
    view.title = e.title;
    stream_key = e.stream_key;
    view.version = meta.seq;
  }
  void apply(const channel_events::updated& e, const event_meta& meta) {
    if (e.title)
      view.title = *e.title;
    if (e.category)
      view.category = *e.category;
    if (e.description)
      view.description = *e.description;
    if (e.tags)
      view.tags = *e.tags;
    if (e.ladder || e.ladder_default) {
      view.ladder_custom = e.ladder.has_value();
      view.ladder = e.ladder.value_or(std::vector<std::string>{});
    }
    if (e.record)
      view.record = *e.record;
    if (e.vod_retention_days)
      view.vod_retention_days = *e.vod_retention_days;
    view.version = meta.seq;
  }
  void apply(const channel_events::key_rotated& e, const event_meta& meta) {
    stream_key = e.stream_key;
    view.version = meta.seq;
  }
  void apply(const channel_events::featured& e, const event_meta& meta) {
    view.featured = e.on;
    view.version = meta.seq;
  }
  void sample_health(const stream_health& h, std::int64_t now_ms) {
    if (!health_samples.empty() && now_ms - health_samples.back().t_ms < health_sample_interval_ms)
      return;
    health_samples.push_back({now_ms, h.bitrate_kbps, h.fps_milli, h.keyframe_interval_ms,
                              h.dropped_frames, h.late_frames, view.viewers});
    if (health_samples.size() > health_samples_kept)
      health_samples.pop_front();
  }

  void apply(const channel_events::went_live& e, const event_meta& meta) {
    viewer_samples.clear();
    health_samples.clear();
    view.viewers_window_ago = 0;
    view.live = true;
    view.viewers = view.peak_viewers = 0;
    view.session_id = e.session;
    view.ingest_node = e.node;
    view.started_at_ms = meta.timestamp_ms;
    view.version = meta.seq;
  }
  void apply(const channel_events::went_offline& e, const event_meta& meta) {
    health.reset();
    health_samples.clear();
    view.viewers = 0;
    view.peak_viewers = e.peak_viewers.value_or(view.peak_viewers);
    view.live = false;
    view.session_id.clear();
    view.ingest_node.clear();
    view.started_at_ms = 0;
    view.version = meta.seq;
  }
};

using channel_actor = caf::stateful_actor<event_sourced<channel_state>>;

std::string new_stream_key(const std::string& channel) {
  return "live_" + channel + "_" + runtime::random_hex(16);
}

bool may_manage(const channel_state& st, const runtime::principal& who) {
  return who.is_admin() || (!st.view.owner_is_admin && who.is_user(st.view.owner));
}

// Validates a metadata patch completely, so a rejected request writes nothing.
caf::expected<json> parse_patch(const std::string& patch_json) {
  auto patch = runtime::parse_client_json(patch_json);
  if (patch.is_discarded() || !patch.is_object())
    return make_error(errc::invalid_argument, "the change must be a JSON object");
  json change = json::object();
  for (auto& [key, value] : patch.items()) {
    if (key == "title" || key == "category" || key == "description") {
      if (!value.is_string())
        return make_error(errc::invalid_argument, "field '" + key + "' must be a string");
      auto limit = key == "title" ? max_title : key == "category" ? max_category : max_description;
      if (value.get_ref<const std::string&>().size() > limit)
        return make_error(errc::invalid_argument,
                          "field '" + key + "' is longer than " + std::to_string(limit) + " bytes");
      change[key] = value;
    } else if (key == "tags") {
      if (!value.is_array() || value.size() > max_tags)
        return make_error(errc::invalid_argument, "tags must be an array of at most 10 strings");
      json tags = json::array();
      for (auto& tag : value) {
        if (!tag.is_string() || tag.get_ref<const std::string&>().empty() ||
            tag.get_ref<const std::string&>().size() > max_tag)
          return make_error(errc::invalid_argument, "each tag is 1-25 characters");
        std::string lower;
        for (char c : tag.get_ref<const std::string&>()) {
          if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
          if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return make_error(errc::invalid_argument, "tags use only a-z, 0-9, '_' and '-'");
          lower.push_back(c);
        }
        if (std::find(tags.begin(), tags.end(), lower) == tags.end())
          tags.push_back(lower);
      }
      change["tags"] = std::move(tags);
    } else if (key == "ladder") {
      if (value.is_null()) {
        change["ladder"] = nullptr;
        continue;
      }
      if (!value.is_array() || value.size() > std::size(known_renditions))
        return make_error(errc::invalid_argument,
                          "ladder must be null or an array of rendition names");
      json ladder = json::array();
      for (auto& name : value) {
        if (!name.is_string() ||
            std::find(std::begin(known_renditions), std::end(known_renditions),
                      name.get_ref<const std::string&>()) == std::end(known_renditions))
          return make_error(errc::invalid_argument,
                            "ladder names are 1080p, 720p, 480p, 360p or 160p");
        if (std::find(ladder.begin(), ladder.end(), name) == ladder.end())
          ladder.push_back(name);
      }
      change["ladder"] = std::move(ladder);
    } else if (key == "record") {
      if (!value.is_boolean())
        return make_error(errc::invalid_argument, "record must be true or false");
      change["record"] = value;
    } else if (key == "vod_retention_days") {
      if (!value.is_number_integer() || value.get<std::int64_t>() < min_vod_retention_days ||
          value.get<std::int64_t>() > max_vod_retention_days)
        return make_error(errc::invalid_argument,
                          "vod_retention_days must be a whole number 1-365");
      change["vod_retention_days"] = value.get<std::uint32_t>();
    } else {
      return make_error(errc::invalid_argument, "unknown field '" + key + "'");
    }
  }
  return change;
}

// Each publish is recorded as a stream session entity. Its bookkeeping never holds up or undoes
// the go-live decision, so failures are only reported.
template <class... Command>
void track_stream(channel_actor* self, const std::string& channel, const std::string& session,
                  Command... command) {
  if (session.empty())
    return;
  entity_ref<stream_session_protocol>{self->state.registry(), stream_session_id(channel, session)}
    .request(self, command...)
    .then([](const stream_session_view&) {},
          [self, channel](const caf::error& err) {
            if (code_of(err) != errc::invalid_argument)  // no "stream" kind on this registry
              caf::aout(self) << "channel " << channel << ": stream session: " << message_of(err)
                              << "\n";
          });
}

// Ends a live session that died with its node (no health report since this activation).
caf::error clear_stale_live(channel_actor* self, const std::string& channel,
                            const std::string& session) {
  self->state.unconfirmed_session.clear();
  if (auto err = self->state.emit(channel_events::went_offline{session, "node restarted",
                                                               std::nullopt}))
    return err;
  track_stream(self, channel, session, end_atom::value);
  return caf::none;
}

caf::behavior channel_behavior(channel_actor* self, caf::actor registry,
                               storage::event_store* store, std::string name,
                               const runtime::clock* clock) {
  auto& st = self->state;
  if (auto err = st.activate(self, *store, name,
                             {registry, clock, idle_check_interval, idle_before_passivation}))
    return st.refuse(self, std::move(err));
  // A live flag found at activation: the session may go on (the channel's partition moved to
  // another node while the ingest node streams on) or have died with a node that stopped
  // mid-stream. Its health reports tell which.
  if (st.view.live) {
    st.unconfirmed_session = st.view.session_id;
    self->delayed_send(self, stale_live_grace, stale_live_atom::value, st.view.session_id);
  }
  auto touch = [self] { self->state.touch(); };
  // A channel that does not exist holds no memory: asking for one (a typo, a scan of random
  // names) must not park an actor for the idle period.
  auto require_exists = [self]() -> caf::error {
    return self->state.require_exists(self, make_error(errc::not_found, "channel not found"));
  };
  // Go-live: the key must match and nobody else may be live; `node` is where media arrives.
  auto begin = [self, name, touch](const std::string& key, const std::string& session_id,
                                   const std::string& node) -> caf::result<channel_view> {
    touch();
    auto& st = self->state;
    if (!st.exists())
      return make_error(errc::unauthorized, "invalid stream key");
    auto go_live = [self, name, session_id, node]() -> caf::expected<channel_view> {
      auto& st = self->state;
      // A flag left over from a restart (no health report since) does not block a publisher
      // that reconnects at once.
      if (st.view.live && st.unconfirmed_session == st.view.session_id)
        if (auto err = clear_stale_live(self, name, st.view.session_id))
          return err;
      if (st.view.live)
        return make_error(errc::conflict, "channel is already live from another publisher");
      if (auto err = st.emit(channel_events::went_live{session_id, node}))
        return err;
      track_stream(self, name, session_id, create_atom::value, name);
      return st.view;
    };
    if (runtime::constant_time_equal(key, st.stream_key)) {
      auto view = go_live();
      if (!view)
        return view.error();
      return std::move(*view);
    }
    // A member key of the org the channel belongs to (actors/orgstreams): that org decides, and
    // records which member goes live.
    auto org = org_of_member_key(key);
    if (org.empty())
      return make_error(errc::unauthorized, "invalid stream key");
    if (st.view.live)
      return make_error(errc::conflict, "channel is already live from another publisher");
    auto rp = self->make_response_promise<channel_view>();
    entity_ref<orgstreams_protocol>{st.registry(), org}
      .request(self, orgs_key_atom::value, name, key, session_id)
      .then(
        [rp, go_live](std::string&) mutable {
          auto view = go_live();
          view ? rp.deliver(std::move(*view)) : rp.deliver(std::move(view.error()));
        },
        [rp](caf::error&) mutable {
          rp.deliver(make_error(errc::unauthorized, "invalid stream key"));
        });
    return rp;
  };
  return {
    [self, name, touch](create_atom, const runtime::principal& owner,
                        const std::string& title) -> caf::result<std::string> {
      touch();
      if (self->state.exists())
        return make_error(errc::conflict, "channel '" + name + "' already exists");
      if (title.size() > max_title)
        return make_error(errc::invalid_argument, "title is longer than 140 characters");
      auto key = new_stream_key(name);
      if (!owner.is_admin() && !owner.is_user())
        return make_error(errc::forbidden, "sign in to create a channel");
      if (auto err = self->state.emit(channel_events::created{
            name, owner.display(), owner.is_admin() ? "admin" : "user", title, key}))
        return err;
      return key;
    },
    [self, touch, require_exists](get_atom) -> caf::result<channel_view> {
      touch();
      if (auto err = require_exists())
        return err;
      return self->state.view;
    },
    [self, touch, require_exists](update_atom, const runtime::principal& requester,
                                  const std::string& title,
                                  const std::string& category) -> caf::result<channel_view> {
      touch();
      if (auto err = require_exists())
        return err;
      if (!may_manage(self->state, requester))
        return make_error(errc::forbidden, "only the channel owner may change it");
      if (title.size() > max_title)
        return make_error(errc::invalid_argument, "title is longer than 140 characters");
      if (category.size() > max_category)
        return make_error(errc::invalid_argument, "category is longer than 64 characters");
      channel_events::updated change;
      if (!title.empty())
        change.title = title;
      if (!category.empty())
        change.category = category;
      if (!change.empty())
        if (auto err = self->state.emit(change))
          return err;
      return self->state.view;
    },
    [self, touch, require_exists](update_atom, const runtime::principal& requester,
                                  const std::string& patch_json) -> caf::result<channel_view> {
      touch();
      if (auto err = require_exists())
        return err;
      if (!may_manage(self->state, requester))
        return make_error(errc::forbidden, "only the channel owner may change it");
      auto change = parse_patch(patch_json);
      if (!change)
        return change.error();
      if (!change->empty())
        if (auto err = self->state.emit(change->get<channel_events::updated>()))
          return err;
      return self->state.view;
    },
    [self, name, touch, require_exists](
      rotate_key_atom, const runtime::principal& requester) -> caf::result<std::string> {
      touch();
      if (auto err = require_exists())
        return err;
      if (!may_manage(self->state, requester))
        return make_error(errc::forbidden, "only the channel owner may rotate its stream key");
      auto key = new_stream_key(name);
      if (auto err = self->state.emit(channel_events::key_rotated{key}))
        return err;
      return key;
    },
    [self, touch, require_exists](reveal_key_atom,
                                  const runtime::principal& requester) -> caf::result<std::string> {
      touch();
      if (auto err = require_exists())
        return err;
      if (!may_manage(self->state, requester))
        return make_error(errc::forbidden, "only the channel owner may see its stream key");
      return self->state.stream_key;
    },
    [begin](publish_begin_atom, const std::string& key, const std::string& session_id)
      -> caf::result<channel_view> { return begin(key, session_id, std::string{}); },
    [begin](publish_begin_atom, const std::string& key, const std::string& session_id,
            const std::string& node) -> caf::result<channel_view> {
      return begin(key, session_id, node);
    },
    [self, name, touch](publish_end_atom, const std::string& session_id) -> caf::result<bool> {
      touch();
      auto& st = self->state;
      if (!st.view.live || st.view.session_id != session_id)
        return false;
      if (auto err = st.emit(channel_events::went_offline{session_id, std::nullopt,
                                                          st.view.peak_viewers}))
        return err;
      track_stream(self, name, session_id, end_atom::value);
      return true;
    },
    [self, name](stale_live_atom, const std::string& session) {
      auto& st = self->state;
      if (!st.view.live || st.view.session_id != session || st.unconfirmed_session != session)
        return;
      if (clear_stale_live(self, name, session))
        caf::aout(self) << "channel " << name << ": could not clear stale live flag\n";
    },
    [self](health_atom, stream_health& health) {
      auto& st = self->state;
      if (!st.view.live || health.session_id != st.view.session_id)
        return;
      st.unconfirmed_session.clear();
      // Each player counts once per path (WebSocket sockets; HLS ids within 30 s).
      st.view.viewers = health.ws_viewers + health.hls_viewers + health.ll_hls_viewers;
      st.view.peak_viewers = std::max(st.view.peak_viewers, st.view.viewers);
      st.sample_viewers(st.clock().now_ms());
      st.sample_health(health, st.clock().now_ms());
      st.health = std::move(health);
    },
    [self, touch, require_exists](feature_atom, bool on) -> caf::result<channel_view> {
      touch();
      if (auto err = require_exists())
        return err;
      auto& st = self->state;
      if (st.view.featured != on)
        if (auto err = st.emit(channel_events::featured{on}))
          return err;
      return st.view;
    },
    [self, touch, require_exists](
      health_history_atom, const runtime::principal& requester) -> caf::result<health_history> {
      touch();
      if (auto err = require_exists())
        return err;
      if (!may_manage(self->state, requester))
        return make_error(errc::forbidden, "only the channel owner may see its stream's health");
      auto& st = self->state;
      return health_history{st.view.session_id,
                            {st.health_samples.begin(), st.health_samples.end()}};
    },
    [self, name, touch, require_exists](end_stream_atom, const runtime::principal& requester,
                                        bool rotate) -> caf::result<stream_ending> {
      touch();
      if (auto err = require_exists())
        return err;
      auto& st = self->state;
      if (!may_manage(st, requester))
        return make_error(errc::forbidden, "only the channel owner may end its stream");
      stream_ending ending;
      if (st.view.live) {
        ending.session = st.view.session_id;
        ending.ingest_node = st.view.ingest_node;
        if (auto err = st.emit(channel_events::went_offline{ending.session, "ended by the owner",
                                                            st.view.peak_viewers}))
          return err;
        track_stream(self, name, ending.session, end_atom::value);
      }
      if (rotate) {
        ending.stream_key = new_stream_key(name);
        if (auto err = st.emit(channel_events::key_rotated{ending.stream_key}))
          return err;
      }
      return ending;
    },
    [self, touch, require_exists](health_atom) -> caf::result<stream_health> {
      touch();
      if (auto err = require_exists())
        return err;
      if (!self->state.view.live || !self->state.health)
        return make_error(errc::not_found, "channel is not live");
      return *self->state.health;
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

caf::actor spawn_channel(caf::actor_system& sys, const caf::actor& registry,
                         storage::event_store& store, const std::string& name,
                         const runtime::clock& clock) {
  return sys.spawn(channel_behavior, registry, &store, name, &clock);
}

bool valid_channel_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 25)
    return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

std::string channel_of_stream_key(std::string_view key) {
  constexpr std::string_view prefix = "live_";
  if (key.substr(0, prefix.size()) != prefix)
    return {};
  auto rest = key.substr(prefix.size());
  auto split = rest.rfind('_');
  if (split == std::string_view::npos)
    return {};
  auto channel = rest.substr(0, split);
  return valid_channel_name(channel) ? std::string{channel} : std::string{};
}

void add_channel_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                      const runtime::clock& clock) {
  kinds.factories["channel"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                                const std::string& id) {
    return spawn_channel(sys, registry, store, id, clock);
  };
}

}  // namespace aethex::actors

#include "actors/channel/channel.hpp"

#include <algorithm>
#include <chrono>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/entity_journal.hpp"
#include "actors/core/entity_support.hpp"
#include "actors/channel/stream_session.hpp"
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
constexpr std::size_t max_title = 140;
constexpr std::size_t max_category = 64;
constexpr std::size_t max_description = 1000;
constexpr std::size_t max_tags = 10;
constexpr std::size_t max_tag = 25;

struct channel_state {
  channel_view view;
  std::string stream_key;
  std::optional<stream_health> health;  // latest report of the live session; not persisted
  std::optional<entity_journal> journal;
  std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();
  caf::actor registry;
  bool passivating = false;
  static inline const char* name = "channel";

  void apply(const storage::event& ev) {
    auto body = json::parse(ev.payload, nullptr, false);
    if (body.is_discarded())
      return;
    if (ev.type == "channel.created") {
      view.name = body.value("name", "");
      view.owner = body.value("owner", "");
      // Channels made with the admin token belong to the admin principal. Events written before
      // the owner's kind was recorded said "admin" only in that case (or when an account had
      // squatted the name, which must not make it the owner).
      view.owner_is_admin = body.contains("owner_kind") ? body.value("owner_kind", "") == "admin"
                                                        : view.owner == "admin";
      view.title = body.value("title", "");
      stream_key = body.value("stream_key", "");
    } else if (ev.type == "channel.updated") {
      if (body.contains("title"))
        view.title = body.value("title", "");
      if (body.contains("category"))
        view.category = body.value("category", "");
      if (body.contains("description"))
        view.description = body.value("description", "");
      if (auto tags = body.find("tags"); tags != body.end() && tags->is_array()) {
        view.tags.clear();
        for (auto& tag : *tags)
          if (tag.is_string())
            view.tags.push_back(tag.get<std::string>());
      }
    } else if (ev.type == "channel.key_rotated") {
      stream_key = body.value("stream_key", "");
    } else if (ev.type == "channel.went_live") {
      view.live = true;
      view.session_id = body.value("session", "");
      view.ingest_node = body.value("node", "");
      view.started_at_ms = ev.timestamp_ms;
    } else if (ev.type == "channel.went_offline") {
      health.reset();
      view.live = false;
      view.session_id.clear();
      view.ingest_node.clear();
      view.started_at_ms = 0;
    }
  }
};

using channel_actor = caf::stateful_actor<channel_state>;

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
        return make_error(errc::invalid_argument, "field '" + key + "' is longer than " +
                                                    std::to_string(limit) + " bytes");
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
    } else {
      return make_error(errc::invalid_argument, "unknown field '" + key + "'");
    }
  }
  return change;
}

// Each publish is recorded as a stream session entity. Its bookkeeping never holds up or undoes
// the go-live decision, so failures are only reported.
void track_stream(channel_actor* self, const std::string& channel, const std::string& session,
                  caf::message command) {
  if (session.empty())
    return;
  self->request(self->state.registry, std::chrono::seconds(10), route_atom::value,
                std::string{"stream"}, stream_session_id(channel, session), std::move(command))
    .then([](const stream_session_view&) {},
          [self, channel](const caf::error& err) {
            if (code_of(err) != errc::invalid_argument)  // no "stream" kind on this registry
              caf::aout(self) << "channel " << channel << ": stream session: " << message_of(err)
                              << "\n";
          });
}

// Persists then applies; the reply is sent only after the events are durable.
caf::error commit(channel_actor* self, std::vector<storage::event> events) {
  auto& st = self->state;
  if (auto err = st.journal->commit(events, [&st](const storage::event& ev) { st.apply(ev); }))
    return err;
  st.view.version = st.journal->version();
  return caf::none;
}

caf::behavior channel_behavior(channel_actor* self, caf::actor registry,
                               storage::event_store* store, std::string name) {
  auto& st = self->state;
  st.registry = std::move(registry);
  st.journal.emplace(*store, "channel/" + name);
  st.journal->recover([](const std::string&) {}, [&st](const storage::event& ev) { st.apply(ev); });
  st.view.version = st.journal->version();
  // Only this activation can hold a live session; a live flag found at activation is left over
  // from a node that stopped mid-stream.
  if (st.view.live) {
    auto stale_session = st.view.session_id;
    auto payload = json{{"session", stale_session}, {"reason", "node restarted"}}.dump();
    if (auto err = commit(self, {make_event("channel.went_offline", payload)}))
      caf::aout(self) << "channel " << name << ": could not clear stale live flag\n";
    else
      track_stream(self, name, stale_session, caf::make_message(end_atom::value));
  }
  self->delayed_send(self, idle_check_interval, idle_check_atom::value);
  auto touch = [self] { self->state.last_activity = std::chrono::steady_clock::now(); };
  // A channel that does not exist holds no memory: asking for one (a typo, a scan of random
  // names) must not park an actor for the idle period.
  auto require_exists = [self]() -> caf::error {
    auto& st = self->state;
    if (st.journal->exists())
      return caf::none;
    if (!st.passivating) {
      st.passivating = true;
      idle_tracker::passivate(self, st.registry);
    }
    return make_error(errc::not_found, "channel not found");
  };
  // Go-live: the key must match and nobody else may be live; `node` is where media arrives.
  auto begin = [self, name, touch](const std::string& key, const std::string& session_id,
                                   const std::string& node) -> caf::result<channel_view> {
    touch();
    auto& st = self->state;
    if (!st.journal->exists() || !runtime::constant_time_equal(key, st.stream_key))
      return make_error(errc::unauthorized, "invalid stream key");
    if (st.view.live)
      return make_error(errc::conflict, "channel is already live from another publisher");
    auto payload = json{{"session", session_id}, {"node", node}}.dump();
    if (auto err = commit(self, {make_event("channel.went_live", payload)}))
      return err;
    track_stream(self, name, session_id, caf::make_message(create_atom::value, name));
    return st.view;
  };
  return {
    [self, name, touch](create_atom, const runtime::principal& owner,
                        const std::string& title) -> caf::result<std::string> {
      touch();
      if (self->state.journal->exists())
        return make_error(errc::conflict, "channel '" + name + "' already exists");
      if (title.size() > max_title)
        return make_error(errc::invalid_argument, "title is longer than 140 characters");
      auto key = new_stream_key(name);
      if (!owner.is_admin() && !owner.is_user())
        return make_error(errc::forbidden, "sign in to create a channel");
      auto payload = json{{"name", name}, {"owner", owner.display()},
                          {"owner_kind", owner.is_admin() ? "admin" : "user"}, {"title", title},
                          {"stream_key", key}}.dump();
      if (auto err = commit(self, {make_event("channel.created", payload)}))
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
      json change = json::object();
      if (!title.empty())
        change["title"] = title;
      if (!category.empty())
        change["category"] = category;
      if (!change.empty())
        if (auto err = commit(self, {make_event("channel.updated", change.dump())}))
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
        if (auto err = commit(self, {make_event("channel.updated", change->dump())}))
          return err;
      return self->state.view;
    },
    [self, name, touch, require_exists](rotate_key_atom,
                                        const runtime::principal& requester) -> caf::result<std::string> {
      touch();
      if (auto err = require_exists())
        return err;
      if (!may_manage(self->state, requester))
        return make_error(errc::forbidden, "only the channel owner may rotate its stream key");
      auto key = new_stream_key(name);
      if (auto err = commit(self, {make_event("channel.key_rotated",
                                              json{{"stream_key", key}}.dump())}))
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
    [begin](publish_begin_atom, const std::string& key,
            const std::string& session_id) -> caf::result<channel_view> {
      return begin(key, session_id, std::string{});
    },
    [begin](publish_begin_atom, const std::string& key, const std::string& session_id,
            const std::string& node) -> caf::result<channel_view> {
      return begin(key, session_id, node);
    },
    [self, name, touch](publish_end_atom, const std::string& session_id) -> caf::result<bool> {
      touch();
      auto& st = self->state;
      if (!st.view.live || st.view.session_id != session_id)
        return false;
      if (auto err = commit(self, {make_event("channel.went_offline",
                                              json{{"session", session_id}}.dump())}))
        return err;
      track_stream(self, name, session_id, caf::make_message(end_atom::value));
      return true;
    },
    [self](health_atom, stream_health& health) {
      auto& st = self->state;
      if (st.view.live && health.session_id == st.view.session_id)
        st.health = std::move(health);
    },
    [self, touch, require_exists](health_atom) -> caf::result<stream_health> {
      touch();
      if (auto err = require_exists())
        return err;
      if (!self->state.view.live || !self->state.health)
        return make_error(errc::not_found, "channel is not live");
      return *self->state.health;
    },
    stop_on_request(self),
    [self](idle_check_atom) {
      auto& st = self->state;
      auto idle = std::chrono::steady_clock::now() - st.last_activity;
      if (st.view.live || idle < idle_before_passivation) {
        self->delayed_send(self, idle_check_interval, idle_check_atom::value);
        return;
      }
      idle_tracker::passivate(self, st.registry);
    },
  };
}

}  // namespace

caf::actor spawn_channel(caf::actor_system& sys, const caf::actor& registry,
                         storage::event_store& store, const std::string& name) {
  return sys.spawn(channel_behavior, registry, &store, name);
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

void add_channel_kind(runtime::entity_kinds& kinds, storage::event_store& store) {
  kinds.factories["channel"] = [&store](caf::actor_system& sys, const caf::actor& registry,
                                        const std::string& id) {
    return spawn_channel(sys, registry, store, id);
  };
}

}  // namespace aethex::actors

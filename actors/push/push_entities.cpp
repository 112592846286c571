// push/vapid and push_subs/<user> (push.hpp).
#include <algorithm>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "actors/core/event_sourced.hpp"
#include "actors/push/push.hpp"
#include "actors/push/webpush.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

struct vapid_created {
  static constexpr std::string_view type = "push.vapid_created";
  static constexpr std::uint32_t schema = 1;
  std::string public_key;   // base64url, 65 bytes
  std::string private_key;  // base64url, 32 bytes; secret
};
void to_json(json& j, const vapid_created& e) {
  j = json{{"public_key", e.public_key}, {"private_key", e.private_key}};
}
void from_json(const json& j, vapid_created& e) {
  e.public_key = j.value("public_key", "");
  e.private_key = j.value("private_key", "");
}

struct vapid_state {
  static constexpr std::string_view kind = "push";
  static inline const char* name = "push_vapid";
  using events = event_list<vapid_created>;
  vapid_created keys;
  void apply(const vapid_created& e, const event_meta&) { keys = e; }
};

using vapid_actor = caf::stateful_actor<event_sourced<vapid_state>>;

caf::behavior vapid_behavior(vapid_actor* self, caf::actor registry, storage::event_store* store,
                             std::string id, const runtime::clock* clock) {
  auto& st = self->state;
  if (auto err = st.activate(self, *store, id, {registry, clock}))
    return st.refuse(self, std::move(err));
  // Created on the first ask of either kind, once: the cluster has one pair for good.
  auto ensure = [self]() -> caf::error {
    auto& st = self->state;
    st.touch();
    if (st.exists())
      return caf::none;
    if (st.id() != vapid_entity_id)
      return make_error(errc::not_found, "no such key");
    auto pair = webpush::generate_keys();
    if (!pair)
      return make_error(errc::internal, "cannot generate the VAPID key pair");
    return st.emit(vapid_created{webpush::base64url_encode(pair->public_key),
                                 webpush::base64url_encode(pair->private_key)});
  };
  return {
    [self, ensure](get_atom) -> caf::result<std::string> {
      if (auto err = ensure())
        return err;
      return json{{"public_key", self->state.keys.public_key}}.dump();
    },
    [self, ensure](vapid_atom) -> caf::result<std::string> {
      if (auto err = ensure())
        return err;
      return json{{"public_key", self->state.keys.public_key},
                  {"private_key", self->state.keys.private_key}}
        .dump();
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

struct push_subscribed {
  static constexpr std::string_view type = "push.subscribed";
  static constexpr std::uint32_t schema = 1;
  std::string id, endpoint, p256dh, auth;
};
void to_json(json& j, const push_subscribed& e) {
  j = json{{"id", e.id}, {"endpoint", e.endpoint}, {"p256dh", e.p256dh}, {"auth", e.auth}};
}
void from_json(const json& j, push_subscribed& e) {
  e.id = j.value("id", "");
  e.endpoint = j.value("endpoint", "");
  e.p256dh = j.value("p256dh", "");
  e.auth = j.value("auth", "");
}

struct push_unsubscribed {
  static constexpr std::string_view type = "push.unsubscribed";
  static constexpr std::uint32_t schema = 1;
  std::string id, reason;
};
void to_json(json& j, const push_unsubscribed& e) { j = json{{"id", e.id}, {"reason", e.reason}}; }
void from_json(const json& j, push_unsubscribed& e) {
  e.id = j.value("id", "");
  e.reason = j.value("reason", "");
}

struct push_sub_row {
  push_subscribed sub;
  std::int64_t created_ms = 0;
};

struct push_subs_state {
  static constexpr std::string_view kind = "push_subs";
  static inline const char* name = "push_subs";
  using events = event_list<push_subscribed, push_unsubscribed>;
  std::vector<push_sub_row> subs;

  push_sub_row* find(std::string_view id) {
    auto it = std::find_if(subs.begin(), subs.end(), [id](auto& r) { return r.sub.id == id; });
    return it == subs.end() ? nullptr : &*it;
  }
  void apply(const push_subscribed& e, const event_meta& meta) {
    if (auto* row = find(e.id))
      row->sub = e;  // the same browser again: its keys are the new ones
    else
      subs.push_back({e, meta.timestamp_ms});
  }
  void apply(const push_unsubscribed& e, const event_meta&) {
    std::erase_if(subs, [&](auto& r) { return r.sub.id == e.id; });
  }
  static json row_json(const push_sub_row& r) {
    return json{{"id", r.sub.id}, {"endpoint", r.sub.endpoint}, {"created_ms", r.created_ms}};
  }
};

using push_subs_actor = caf::stateful_actor<event_sourced<push_subs_state>>;

caf::behavior push_subs_behavior(push_subs_actor* self, caf::actor registry,
                                 storage::event_store* store, std::string user,
                                 const runtime::clock* clock) {
  auto& st = self->state;
  if (auto err = st.activate(self, *store, user, {registry, clock}))
    return st.refuse(self, std::move(err));
  return {
    [self](get_atom) -> std::string {
      json rows = json::array();
      for (auto& r : self->state.subs)
        rows.push_back(push_subs_state::row_json(r));
      return self->state.answer_read(self, json{{"subscriptions", rows}}.dump());
    },
    [self](create_atom, const std::string& text) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      auto body = json::parse(text, nullptr, false);
      if (!body.is_object())
        return make_error(errc::invalid_argument, "malformed subscription");
      push_subscribed e{"", body.value("endpoint", ""), body.value("p256dh", ""),
                        body.value("auth", "")};
      e.id = push_subscription_id(e.endpoint);
      auto* known = st.find(e.id);
      if (!known && st.subs.size() >= max_push_subscriptions)
        return make_error(errc::conflict,
                          "at most " + std::to_string(max_push_subscriptions) +
                            " devices receive push notifications; remove one first",
                          "too_many_subscriptions");
      if (!known || known->sub.p256dh != e.p256dh || known->sub.auth != e.auth)
        if (auto err = st.emit(e))
          return err;
      return push_subs_state::row_json(*st.find(e.id)).dump();
    },
    [self](push_unsub_atom, const std::string& id,
           const std::string& reason) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (!st.find(id)) {
        if (!st.exists())
          st.passivate(self);
        return make_error(errc::not_found, "no such push subscription");
      }
      if (auto err = st.emit(push_unsubscribed{id, reason}))
        return err;
      return json{{"removed", id}}.dump();
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

std::string push_subscription_id(std::string_view endpoint) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(endpoint.data(), endpoint.size(), digest, &len, EVP_sha256(), nullptr);
  return webpush::base64url_encode({reinterpret_cast<const char*>(digest), len}).substr(0, 16);
}

void add_push_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                    const runtime::clock& clock) {
  kinds.factories["push"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                             const std::string& id) {
    return sys.spawn(vapid_behavior, registry, &store, id, &clock);
  };
  kinds.factories["push_subs"] =
    [&store, &clock](caf::actor_system& sys, const caf::actor& registry, const std::string& user) {
      return sys.spawn(push_subs_behavior, registry, &store, user, &clock);
    };
}

}  // namespace aethex::actors

// The push domain's entities (docs/mobile.md):
//
// push/vapid — the cluster's VAPID key pair (RFC 8292), created on the first ask and kept in
// its stream, so every member signs with the same key and browsers' subscriptions (made for
// that public key) survive restarts. Event: push.vapid_created {"public_key", "private_key"}
// (base64url). The private key is a secret: it never leaves the node's actors (no route and no
// console command shows it) and is never logged.
//
// push_subs/<user> — the user's browsers' push subscriptions (at most max_subscriptions).
// Events: push.subscribed {"id", "endpoint", "p256dh", "auth"} (a browser that subscribes
// again with the same endpoint replaces its keys; the id is a digest of the endpoint) and
// push.unsubscribed {"id", "reason": "user" | "gone"} ("gone": the push service answered 404
// or 410, RFC 8030 §7.3). Replies are JSON text, so the messages carry only built-in types.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

inline constexpr std::size_t max_push_subscriptions = 10;
inline constexpr std::size_t max_push_endpoint = 1024;  // bytes of a subscription's URL
inline constexpr std::string_view vapid_entity_id = "vapid";
/// The node-local service that sends go-live pushes: (publish_atom, push_notice_topic, notice
/// JSON text) from the notify dispatcher (actors/notify/notify_hub.cpp).
inline constexpr std::string_view push_sender_service = "push.sender";
inline constexpr std::string_view push_notice_topic = "push.notice";

using vapid_atom = caf::atom_constant<caf::atom("vapidkeys")>;
using push_unsub_atom = caf::atom_constant<caf::atom("pushunsub")>;

/// Protocol of push/vapid:
///  (get_atom)   -> {"public_key"} (creates the pair on the first ask)
///  (vapid_atom) -> {"public_key", "private_key"}: for the node's sender only
struct vapid_protocol {
  static constexpr std::string_view kind = "push";
  static std::string reply_to(get_atom);
  static std::string reply_to(vapid_atom);
};

/// Protocol of push_subs/<user>:
///  (get_atom) -> {"subscriptions": [{"id", "endpoint", "created_ms"}]}
///  (create_atom, subscription JSON {"endpoint","p256dh","auth"}, already checked by the route)
///      -> {"id", "endpoint", "created_ms"}; errc::conflict beyond max_push_subscriptions
///  (push_unsub_atom, id, reason) -> {"removed": id}; errc::not_found for an unknown id
struct push_subs_protocol {
  static constexpr std::string_view kind = "push_subs";
  static std::string reply_to(get_atom);
  static std::string reply_to(create_atom, std::string);
  static std::string reply_to(push_unsub_atom, std::string, std::string);
};

/// The id of a subscription: the first 16 base64url characters of SHA-256(endpoint).
std::string push_subscription_id(std::string_view endpoint);

void add_push_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                    const runtime::clock& clock);

}  // namespace aethex::actors

// The webhooks domain's entity, webhooks/<channel>: the channel's subscriptions to the public
// catalogue (catalogue.hpp), their deliveries and delivery log (rules in book.hpp). Answers are
// JSON text, as the routes hand them on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "actors/core/module.hpp"
#include "runtime/atoms.hpp"

namespace aethex::actors {

using webhook_event_atom = caf::atom_constant<caf::atom("whevent")>;
using webhook_create_atom = caf::atom_constant<caf::atom("whcreate")>;
using webhook_list_atom = caf::atom_constant<caf::atom("whlist")>;
using webhook_delete_atom = caf::atom_constant<caf::atom("whdelete")>;
using webhook_log_atom = caf::atom_constant<caf::atom("whlog")>;
using webhook_redeliver_atom = caf::atom_constant<caf::atom("whredo")>;
using webhook_sent_atom = caf::atom_constant<caf::atom("whsent")>;
using webhook_tick_atom = caf::atom_constant<caf::atom("whtick")>;

/// Protocol of webhooks/<channel>:
///  (webhook_event_atom, event JSON)         -> (no reply) queued for the subscriptions of its
///                                              type (public_event JSON, catalogue.hpp)
///  (webhook_create_atom, type, url)         -> {"id","type","url","status","secret",…}: the
///                                              secret shown once; the verification goes out |
///                                              forbidden (too many) | conflict (same type
///                                              and URL exists)
///  (webhook_list_atom)                      -> {"webhooks":[…]} (no secrets)
///  (webhook_delete_atom, id)                -> {"deleted": id} | not_found
///  (webhook_log_atom, id)                   -> {"deliveries":[…]} newest first | not_found
///  (webhook_redeliver_atom, id, delivery)   -> the delivery row queued again | not_found |
///                                              conflict (still waiting) | invalid_argument
/// The caller checks that the channel exists and the asker owns it.
struct webhooks_protocol {
  static constexpr std::string_view kind = "webhooks";
  static void reply_to(webhook_event_atom, std::string event);
  static std::string reply_to(webhook_create_atom, std::string type, std::string url);
  static std::string reply_to(webhook_list_atom);
  static std::string reply_to(webhook_delete_atom, std::string id);
  static std::string reply_to(webhook_log_atom, std::string id);
  static std::string reply_to(webhook_redeliver_atom, std::string id, std::uint64_t delivery);
};

/// Registers the kind; deliveries go through env.send_http (public addresses only unless the
/// node's config allows private ones).
void add_webhooks_kind(runtime::entity_kinds& kinds, const node_env& env);

}  // namespace aethex::actors

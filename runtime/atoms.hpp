// Message vocabulary shared by every layer. CAF 0.17 atoms hold at most 10 characters.
#pragma once

#include <caf/atom.hpp>

namespace aethex {

using get_atom = caf::atom_constant<caf::atom("get")>;
using route_atom = caf::atom_constant<caf::atom("route")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using create_atom = caf::atom_constant<caf::atom("create")>;
using update_atom = caf::atom_constant<caf::atom("update")>;
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
using idle_check_atom = caf::atom_constant<caf::atom("idlecheck")>;
/// A console command line (words) to a node's console service, possibly via another member.
using console_atom = caf::atom_constant<caf::atom("console")>;
/// A read-model query to a member's node services (net/app/node_services.hpp).
using query_atom = caf::atom_constant<caf::atom("query")>;
/// A payload published to a named node service on every member (actors::node_env::publish).
using publish_atom = caf::atom_constant<caf::atom("publish")>;
/// A signed-in page connection subscribes to / leaves a topic service; the service pushes frames.
using topic_sub_atom = caf::atom_constant<caf::atom("topicsub")>;
using topic_unsub_atom = caf::atom_constant<caf::atom("topicunsub")>;
using topic_push_atom = caf::atom_constant<caf::atom("topicpush")>;
/// An e-mail to the node's mail service: (mail_atom, to, subject, text).
using mail_atom = caf::atom_constant<caf::atom("mail")>;
/// Figures of a service for the node's /metrics (net/app/metrics.hpp).
using metrics_atom = caf::atom_constant<caf::atom("metrics")>;
/// A member's live figures for the admin overview (net/app/node_services.hpp).
using overview_atom = caf::atom_constant<caf::atom("overview")>;

}  // namespace aethex

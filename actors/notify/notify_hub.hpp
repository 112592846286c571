// The node's notification services.
//
// Hub (one per node, the "topic:notifications" service): the signed-in page connections on this
// node that subscribed to notifications, and an index of the channels their users follow with
// notifications on (read from follows/<user> when the user's first connection subscribes, then
// kept current by follows_changed_topic). A notice published on notice_topic goes, encoded
// once, to every connection of every online follower: the work is proportional to the online
// followers on this node, not to all followers.
//
// Dispatcher (one per node): hears of fresh notices from this node's notices projection (the
// channel's events are stored here), publishes each to every member's hub, and sends e-mail to
// the followers who asked for it through the node's mail service. Personal notices (a course's
// lesson reminder) go to their users' hubs, by e-mail to those whose settings have
// email_notifications on, and through the push sender to their devices — the same mail service
// and push sender as go-lives, at most once per notice and user (docs/education.md).
#pragma once

#include <string_view>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>

#include "actors/core/module.hpp"

namespace aethex::actors {

/// node_env::publish topic of notices, as notice JSON (notices.hpp).
inline constexpr std::string_view notice_topic = "notify.notice";
/// The hub's topic name for page connections ("subscribe" frames).
inline constexpr std::string_view notifications_topic = "notifications";

using fresh_notice_atom = caf::atom_constant<caf::atom("freshnote")>;

/// (topic_sub_atom, user, connection), (topic_unsub_atom, connection), (publish_atom, topic,
/// payload) for follows_changed_topic and notice_topic; connections get (topic_push_atom,
/// frame). `metrics_atom` answers the connections and indexed follows (for tests and /metrics).
caf::actor spawn_notify_hub(caf::actor_system& sys, caf::actor registry);

/// (fresh_notice_atom, notice JSON text): publish, then e-mail and web push (env.http_endpoint
/// is the site the e-mail links to).
caf::actor spawn_notify_dispatcher(caf::actor_system& sys, const node_env& env);

}  // namespace aethex::actors

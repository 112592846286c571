// follows/<user>: the channels a user follows — the social graph's edges, kept on the follower's
// side so following is one entity's decision (no double follow, at most `max_follows`).
//
// Events: follow.started {"channel"}, follow.stopped {"channel"},
// follow.prefs_changed {"channel","notify","email"} (the follower's notification choices for that
// channel). The follows projection (follows_projection.hpp) turns them into follower counts and
// lists; the notify domain reads the preferences.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using follow_atom = caf::atom_constant<caf::atom("follow")>;
using unfollow_atom = caf::atom_constant<caf::atom("unfollow")>;
using follow_prefs_atom = caf::atom_constant<caf::atom("followpref")>;

/// The node_env::publish topic every follow, unfollow and preference change goes to, as
/// {"user","channel","following"} plus "notify" and "email" while following.
inline constexpr std::string_view follows_changed_topic = "follows.changed";

/// As many channels as Twitch lets an account follow.
inline constexpr std::size_t max_follows = 2000;

struct followed_channel {
  std::string channel;
  std::int64_t since_ms = 0;
  bool notify = true;  // notifications when it goes live or announces (Twitch's bell)
  bool email = false;  // ... also by e-mail
  // When notifications were last turned on (the follow itself, or notify going back on):
  // notices from before then were not meant for this follower.
  std::int64_t notify_since_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, followed_channel& x) {
  return f(caf::meta::type_name("followed_channel"), x.channel, x.since_ms, x.notify, x.email,
           x.notify_since_ms);
}

/// A change of a follow's notification choices: 1 on, 0 off, -1 unchanged (CAF 0.17 cannot
/// serialise std::optional).
struct follow_prefs {
  std::int8_t notify = -1;
  std::int8_t email = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, follow_prefs& x) {
  return f(caf::meta::type_name("follow_prefs"), x.notify, x.email);
}

/// What a user follows, oldest first.
struct follows_view {
  std::string user;
  std::vector<followed_channel> channels;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, follows_view& x) {
  return f(caf::meta::type_name("follows_view"), x.user, x.channels);
}

/// Protocol of follows/<user>:
///  (follow_atom, channel)    -> follows_view (following it, once; again changes nothing)
///                               | forbidden (max_follows reached)
///  (unfollow_atom, channel)  -> follows_view (not following it any more)
///  (follow_prefs_atom, channel, follow_prefs) -> follows_view | not_found (not following it)
///  (get_atom)                -> follows_view (empty for a user who follows nobody)
/// The caller checks that the channel exists and that the user is who the principal says.
struct follows_protocol {
  static constexpr std::string_view kind = "follows";
  static follows_view reply_to(follow_atom, std::string channel);
  static follows_view reply_to(unfollow_atom, std::string channel);
  static follows_view reply_to(follow_prefs_atom, std::string channel, follow_prefs prefs);
  static follows_view reply_to(get_atom);
};

/// Registers the "follows" kind with its store; `clock` stamps its events.
void add_follows_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                      const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors

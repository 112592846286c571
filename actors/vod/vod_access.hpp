// Who may see a VOD, in one place for the vod routes and the domains that use VODs (clips):
// public → everyone; followers → the channel's owner, the admin and the channel's followers;
// subscribers and private → the owner and the admin. Callers answer a VOD the caller may not
// see exactly like one that does not exist (404), so a private VOD never leaks its existence.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <caf/expected.hpp>

#include "actors/channel/channel.hpp"
#include "actors/core/module.hpp"
#include "actors/vod/vod.hpp"
#include "runtime/principal.hpp"

namespace aethex::actors {

/// What the caller is to a channel.
struct vod_relation {
  bool owner = false;  // the channel's account or the admin
  bool follower = false;
};

/// Whether `who` owns `channel`: the admin, or the account that owns it.
bool owns_channel(const runtime::principal& who, const channel_view& channel);

/// Whether someone of relation `r` may see a VOD of `privacy`.
bool vod_may_see(std::string_view privacy, const vod_relation& r);

using vod_relation_fn = std::function<void(caf::expected<vod_relation>)>;

/// `who`'s relation to `channel`; their follows are asked only when `follows_matter` and `who`
/// is a user who does not own it (an error of that lookup is passed on).
void vod_relation_to(const node_env& env, const runtime::principal& who,
                     const channel_view& channel, bool follows_matter, vod_relation_fn done);
/// Same for a channel by name, looked up first (its errors, not_found included, passed on).
void vod_relation_to(const node_env& env, const runtime::principal& who, const std::string& channel,
                     bool follows_matter, vod_relation_fn done);

/// Whether `who` may see `vod` of `channel` (looked up by the caller): true or false, or the
/// error of looking up the caller's follows. Asks nothing for a public VOD or the channel's owner.
void vod_visible(const node_env& env, const runtime::principal& who, const vod_view& vod,
                 const channel_view& channel, std::function<void(caf::expected<bool>)> done);

using with_vod_fn = std::function<void(const vod_view&, const vod_relation&)>;

/// The VOD `id` if `who` may see it, with their relation to its channel (asked only when
/// `need_owner` or the VOD is not public); else `reply` gets 404 "VOD not found", as for a VOD
/// that does not exist. For every route that answers something of a VOD (its chapters, slides).
void with_visible_vod(const node_env& env, const runtime::principal& who, const std::string& id,
                      bool need_owner, route_reply reply, with_vod_fn then);

}  // namespace aethex::actors

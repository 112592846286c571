#include "actors/vod/vod_access.hpp"

#include <algorithm>

#include "actors/core/entity_ref.hpp"
#include "actors/social/follows.hpp"
#include "actors/vod/vod_files.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

bool owns_channel(const runtime::principal& who, const channel_view& channel) {
  return who.is_admin() || (!channel.owner_is_admin && who.is_user(channel.owner));
}

bool vod_may_see(std::string_view privacy, const vod_relation& r) {
  if (privacy == vod_privacy::everyone)
    return true;
  if (privacy == vod_privacy::followers)
    return r.owner || r.follower;
  return r.owner;
}

void vod_relation_to(const node_env& env, const runtime::principal& who,
                     const channel_view& channel, bool follows_matter, vod_relation_fn done) {
  vod_relation r;
  r.owner = owns_channel(who, channel);
  if (r.owner || !follows_matter || !who.is_user())
    return done(r);
  entity_ref<follows_protocol>{env.registry, who.name}
    .ask(get_atom::value)
    .then(*env.sys, [done, r, name = channel.name](caf::expected<follows_view> follows) mutable {
      if (!follows)
        return done(follows.error());
      r.follower = std::any_of(follows->channels.begin(), follows->channels.end(),
                               [&](const followed_channel& f) { return f.channel == name; });
      done(r);
    });
}

void vod_relation_to(const node_env& env, const runtime::principal& who, const std::string& channel,
                     bool follows_matter, vod_relation_fn done) {
  entity_ref<channel_protocol>{env.registry, channel}
    .ask(get_atom::value)
    .then(*env.sys, [env, who, follows_matter, done](caf::expected<channel_view> view) {
      if (!view)
        return done(view.error());
      vod_relation_to(env, who, *view, follows_matter, done);
    });
}

void vod_visible(const node_env& env, const runtime::principal& who, const vod_view& vod,
                 const channel_view& channel, std::function<void(caf::expected<bool>)> done) {
  vod_relation_to(env, who, channel, vod.privacy == vod_privacy::followers,
                  [done, privacy = vod.privacy](caf::expected<vod_relation> r) {
                    if (!r)
                      return done(r.error());
                    done(vod_may_see(privacy, *r));
                  });
}

void with_visible_vod(const node_env& env, const runtime::principal& who, const std::string& id,
                      bool need_owner, route_reply reply, with_vod_fn then) {
  auto hidden = [] { return make_error(errc::not_found, "VOD not found"); };
  if (!vod_files::valid_id(id))
    return reply(hidden());
  entity_ref<vod_protocol>{env.registry, id}
    .ask(get_atom::value)
    .then(*env.sys, [env, who, need_owner, reply, then, hidden](caf::expected<vod_view> view) {
      if (!view)
        return reply(view.error());
      if (who.is_admin())
        return then(*view, vod_relation{true, true});
      if (view->privacy == vod_privacy::everyone && !need_owner)
        return then(*view, vod_relation{});
      if (!who.is_user())
        return reply(hidden());
      vod_relation_to(env, who, view->channel, view->privacy == vod_privacy::followers,
                      [reply, then, hidden, vod = *view](caf::expected<vod_relation> r) {
                        if (!r)
                          return reply(code_of(r.error()) == errc::not_found ? hidden()
                                                                             : r.error());
                        if (!vod_may_see(vod.privacy, *r))
                          return reply(hidden());
                        then(vod, *r);
                      });
    });
}

}  // namespace aethex::actors

// The role check other domains' routes share: the channel's chat room knows who is its
// broadcaster, editor, moderator or VIP (docs/moderation.md), so polls, predictions and rewards
// ask it rather than keeping roles of their own.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "actors/core/module.hpp"
#include "runtime/principal.hpp"

namespace aethex::actors {

/// Calls `done` with none when `who` holds one of `roles` ("broadcaster", "editor",
/// "moderator") in `channel` (the admin token is the broadcaster of every channel), else with
/// forbidden naming who may; not_found when the channel does not exist.
void check_channel_role(const node_env& env, const runtime::principal& who,
                        const std::string& channel, std::vector<std::string> roles,
                        std::function<void(caf::error)> done);

}  // namespace aethex::actors

// The chat domain's own parts, for its module.cpp; other domains include chat_room.hpp,
// chat_types.hpp, chat_fanout.hpp or viewer_session.hpp instead.
#pragma once

#include "actors/core/console_adapter.hpp"

namespace aethex::actors::console {

/// chat/<channel> in the console: say, history, info and moderation.
adapter chat_adapter();

}  // namespace aethex::actors::console

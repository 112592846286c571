// A moderator's settings frame ({"type":"settings", …} on the chat WebSocket) read into a room
// settings patch, apart from the session so the rules read in one place.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "actors/chat/chat_types.hpp"

namespace aethex::actors {

/// Fills `patch` from the frame's fields (absent ones stay unchanged); "" when every present
/// field is valid, else what is wrong with the first that is not.
std::string read_settings_patch(const nlohmann::json& frame, chat_settings_patch& patch);

}  // namespace aethex::actors

// Checks shared by end-to-end suites: channel status, HLS playlists, codecs of media files and
// the JSON verdict lines printed by the browser scripts.
#pragma once

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/node_fixture.hpp"

namespace aethex::test {

/// An API call's answer: the status (0 when the node could not be reached), the body as JSON
/// (discarded when it is not JSON) and as sent, for messages.
struct api_reply {
  unsigned status = 0;
  nlohmann::json body;
  std::string raw;
};
/// `method target` on `node` with `body` (none when null) and a bearer `token` (none when empty).
api_reply api_call(const test_node& node, const std::string& method, const std::string& target,
                   const nlohmann::json& body = nullptr, const std::string& token = {});

/// True when GET /api/v1/channels/<name> on `node` says the channel is live.
bool channel_live(const test_node& node, const std::string& name);
/// The channel's newest VOD once it is ready (GET /api/v1/channels/<name>/vods); null after
/// `timeout`.
nlohmann::json await_ready_vod(const test_node& node, const std::string& channel,
                               std::chrono::milliseconds timeout);
/// Segment file names listed in an HLS media playlist, in order.
std::vector<std::string> hls_segments(const std::string& playlist);
/// The URI of a playlist's EXT-X-MAP (the init segment of fMP4 media), empty when absent.
std::string hls_map_uri(const std::string& playlist);
/// Codec names ffprobe finds in a media file (empty when ffprobe fails).
std::set<std::string> probe_codecs(const std::filesystem::path& file);
/// Absolute path of a script in tests/e2e/browser/.
std::string browser_script(const std::string& name);
/// The last JSON object line of a browser script's output (discarded JSON when none).
nlohmann::json last_json_line(const std::string& output);
/// Every non-empty line of a JSON-lines file a test's helper process writes (receivers, stand-ins).
std::vector<nlohmann::json> json_lines_of(const std::filesystem::path& file);

}  // namespace aethex::test

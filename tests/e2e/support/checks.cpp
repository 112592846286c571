#include "tests/e2e/support/checks.hpp"

#include <fstream>
#include <regex>

#include "tests/e2e/support/process.hpp"

namespace aethex::test {

api_reply api_call(const test_node& node, const std::string& method, const std::string& target,
                   const nlohmann::json& body, const std::string& token) {
  auto res = app::http_call("127.0.0.1:" + std::to_string(node.http_port), method, target,
                            body.is_null() ? std::string{} : body.dump(), token);
  return {res.status, nlohmann::json::parse(res.body, nullptr, false), res.body + res.error};
}

bool channel_live(const test_node& node, const std::string& name) {
  auto res = node.get("/api/v1/channels/" + name);
  if (res.status != 200)
    return false;
  auto body = nlohmann::json::parse(res.body, nullptr, false);
  return !body.is_discarded() && body.value("live", false);
}

nlohmann::json await_ready_vod(const test_node& node, const std::string& channel,
                               std::chrono::milliseconds timeout) {
  nlohmann::json found;
  eventually(
    [&] {
      auto reply = api_call(node, "GET", "/api/v1/channels/" + channel + "/vods?limit=5");
      auto vods = reply.status == 200 ? reply.body.value("vods", nlohmann::json::array())
                                      : nlohmann::json::array();
      if (!vods.empty() && vods[0].value("state", "") == "ready")
        found = vods[0];
      return !found.is_null();
    },
    timeout);
  return found;
}

std::vector<std::string> hls_segments(const std::string& playlist) {
  std::vector<std::string> names;
  std::regex line{R"(^([^#\s][^\s]*\.(ts|m4s))\s*$)", std::regex::multiline};
  for (auto it = std::sregex_iterator(playlist.begin(), playlist.end(), line);
       it != std::sregex_iterator(); ++it)
    names.push_back((*it)[1]);
  return names;
}

std::string hls_map_uri(const std::string& playlist) {
  std::smatch m;
  std::regex map{R"re(#EXT-X-MAP:URI="([^"]+)")re"};
  return std::regex_search(playlist, m, map) ? m[1].str() : std::string{};
}

std::set<std::string> probe_codecs(const std::filesystem::path& file) {
  auto probe = run({"ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "json",
                    file.string()},
                   std::chrono::seconds(15));
  std::set<std::string> codecs;
  if (probe.status != 0)
    return codecs;
  auto parsed = nlohmann::json::parse(probe.output, nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("streams"))
    return codecs;
  for (auto& stream : parsed["streams"])
    codecs.insert(stream.value("codec_name", ""));
  return codecs;
}

std::string browser_script(const std::string& name) {
  return std::string{AETHEX_SOURCE_DIR} + "/tests/e2e/browser/" + name;
}

nlohmann::json last_json_line(const std::string& output) {
  auto end = output.rfind('}');
  auto begin = output.rfind("\n{", end);
  begin = begin == std::string::npos ? output.find('{') : begin + 1;
  if (end == std::string::npos || begin == std::string::npos)
    return nlohmann::json::value_t::discarded;
  return nlohmann::json::parse(output.substr(begin, end - begin + 1), nullptr, false);
}

std::vector<nlohmann::json> json_lines_of(const std::filesystem::path& file) {
  std::vector<nlohmann::json> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty())
      out.push_back(nlohmann::json::parse(line));
  return out;
}

}  // namespace aethex::test

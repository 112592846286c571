#include "net/whip/request.hpp"

#include <algorithm>
#include <cctype>

namespace aethex::net::whip {
namespace {

bool good_name(std::string_view s, std::size_t max) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<target> parse_target(std::string_view path) {
  constexpr std::string_view prefix = "/whip/";
  if (path.substr(0, prefix.size()) != prefix)
    return std::nullopt;
  auto rest = path.substr(prefix.size());
  auto slash = rest.find('/');
  target t;
  t.channel = std::string{rest.substr(0, slash)};
  if (slash != std::string_view::npos)
    t.session = std::string{rest.substr(slash + 1)};
  if (!good_name(t.channel, 64) || (slash != std::string_view::npos && !good_name(t.session, 64)))
    return std::nullopt;
  return t;
}

std::string bearer_token(std::string_view authorization) {
  authorization = trim(authorization);
  auto space = authorization.find(' ');
  if (space == std::string_view::npos || !iequals(authorization.substr(0, space), "bearer"))
    return {};
  auto token = trim(authorization.substr(space + 1));
  if (token.size() > 256 || token.find_first_of(" \t\r\n") != std::string_view::npos)
    return {};
  return std::string{token};
}

std::string channel_of_key(std::string_view key) {
  constexpr std::string_view prefix = "live_";
  if (key.substr(0, prefix.size()) != prefix)
    return {};
  auto rest = key.substr(prefix.size());
  auto last = rest.rfind('_');
  if (last == std::string_view::npos || last == 0)
    return {};
  return std::string{rest.substr(0, last)};
}

std::optional<std::string> parse_layout(std::string_view query) {
  std::string_view value = "screen";
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    if (pair.substr(0, 7) == "layout=")
      value = pair.substr(7);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  if (value == "screen+camera" || value == "screen%2Bcamera" || value == "screen%2bcamera" ||
      value == "screen%20camera")
    return "screen+camera";
  if (value == "screen" || value == "camera" || value == "side-by-side")
    return std::string{value};
  return std::nullopt;
}

bool is_sdp(std::string_view content_type) {
  return iequals(trim(content_type.substr(0, content_type.find(';'))), "application/sdp");
}

std::string offer_shape_error(std::string_view sdp) {
  if (sdp.empty())
    return "the body must be an SDP offer";
  if (sdp.substr(0, 4) != "v=0\n" && sdp.substr(0, 5) != "v=0\r\n")
    return "the offer is not an SDP session description (it must start with v=0)";
  if (sdp.find('\0') != std::string_view::npos)
    return "the offer contains a NUL byte";
  if (sdp.find("\nm=audio ") == std::string_view::npos &&
      sdp.find("\nm=video ") == std::string_view::npos)
    return "the offer has no audio or video m-line";
  return {};
}

}  // namespace aethex::net::whip

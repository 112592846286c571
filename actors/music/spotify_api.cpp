// Spotify's Web API as data: the currently-playing and token answers read, the requests' form
// bodies and Basic credentials written, the authorize URL and the link's state. No I/O here.
#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include "actors/music/music.hpp"
#include "actors/music/spotify.hpp"

namespace aethex::actors::spotify {
namespace {

using json = nlohmann::json;

// At most `max` code points of UTF-8 text, never cutting one in half.
std::string cut_code_points(std::string_view text, std::size_t max) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (points == max)
        return std::string{text.substr(0, i)};
      ++points;
    }
  }
  return std::string{text};
}

std::string text_at(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

bool spotify_id_ok(std::string_view id) {
  return id.size() <= music_limits::spotify_id_max &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
}

bool hex_text(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

std::optional<now_playing> parse_currently_playing(long status, std::string_view body) {
  if (status == 204 || (status == 200 && body.empty()))
    return std::nullopt;
  auto j = json::parse(body, nullptr, false);
  if (status != 200 || !j.is_object())
    return std::nullopt;
  // An ad or a podcast episode is not a track of the set; a paused player plays nothing.
  if (text_at(j, "currently_playing_type") != "track" || !j.value("is_playing", false))
    return std::nullopt;
  auto item = j.find("item");
  if (item == j.end() || !item->is_object() || text_at(*item, "type") != "track")
    return std::nullopt;
  now_playing out;
  if (auto id = item->find("id"); id != item->end() && id->is_string())
    out.spotify_id = id->get<std::string>();
  if (!spotify_id_ok(out.spotify_id))
    return std::nullopt;
  out.title = cut_code_points(text_at(*item, "name"), music_limits::title_max);
  if (out.title.find_first_not_of(" \t\r\n") == std::string::npos)
    return std::nullopt;
  std::string artists;
  if (auto list = item->find("artists"); list != item->end() && list->is_array())
    for (const auto& artist : *list)
      if (artist.is_object())
        if (auto name = text_at(artist, "name"); !name.empty())
          artists += (artists.empty() ? "" : ", ") + name;
  out.artist = cut_code_points(artists, music_limits::title_max);
  if (auto album = item->find("album"); album != item->end() && album->is_object())
    out.album = cut_code_points(text_at(*album, "name"), music_limits::title_max);
  return out;
}

std::optional<token_answer> parse_token_answer(std::string_view body) {
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object())
    return std::nullopt;
  token_answer out;
  out.access_token = text_at(j, "access_token");
  out.refresh_token = text_at(j, "refresh_token");
  out.scope = text_at(j, "scope");
  if (auto it = j.find("expires_in"); it != j.end() && it->is_number_integer())
    out.expires_in_s = std::clamp<std::int64_t>(it->get<std::int64_t>(), 60, 86'400);
  if (out.access_token.empty() || out.access_token.size() > token_max_bytes ||
      out.refresh_token.size() > token_max_bytes)
    return std::nullopt;
  return out;
}

std::string basic_auth(std::string_view client_id, std::string_view client_secret) {
  // RFC 6749 §2.3.1 form-encodes both parts first; Spotify's ids and secrets are hex anyway.
  auto pair = form_encode({{std::string{client_id}, ""}});
  pair.pop_back();  // the '=' of the empty value
  auto secret = form_encode({{std::string{client_secret}, ""}});
  secret.pop_back();
  pair += ':' + secret;
  std::string out(sodium_base64_ENCODED_LEN(pair.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(pair.data()),
                    pair.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.find('\0'));
  sodium_memzero(pair.data(), pair.size());
  return "Basic " + out;
}

std::string make_state(std::string_view channel, std::string_view nonce) {
  return std::string{channel} + "." + std::string{nonce};
}

std::optional<std::pair<std::string, std::string>> split_state(std::string_view state) {
  auto dot = state.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 64)
    return std::nullopt;
  auto channel = state.substr(0, dot);
  auto nonce = state.substr(dot + 1);
  if (nonce.size() != nonce_hex || !hex_text(nonce))
    return std::nullopt;
  bool name_ok = std::all_of(channel.begin(), channel.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '_' || c == '-';
  });
  if (!name_ok)
    return std::nullopt;
  return std::pair{std::string{channel}, std::string{nonce}};
}

std::string authorize_url(const runtime::spotify_config& config, std::string_view redirect,
                          std::string_view state) {
  return config.accounts_url + "/authorize?" +
         form_encode({{"client_id", config.client_id},
                      {"response_type", "code"},
                      {"redirect_uri", std::string{redirect}},
                      {"scope", std::string{scope}},
                      {"state", std::string{state}}});
}

std::string redirect_uri(const runtime::spotify_config& config, std::string_view http_endpoint) {
  if (!config.redirect_url.empty())
    return config.redirect_url;
  return "http://" + std::string{http_endpoint} + std::string{callback_path};
}

bool configured(const runtime::spotify_config& config) {
  return !config.client_id.empty() && !config.client_secret.empty();
}

}  // namespace aethex::actors::spotify

// Spotify's answers as the adapter reads them (actors/music/spotify_api.cpp): the recorded
// currently-playing answer the e2e stand-in serves (tests/e2e/support/), and the shapes Spotify
// documents besides it (nothing playing, paused, an episode, an ad, a local file), text cut to
// music's limits; token answers; the form encoding, Basic credentials, state and authorize URL.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/music/spotify.hpp"

namespace spotify_parse_test {

using namespace aethex::actors::spotify;
using aethex::actors::form_decode;
using aethex::actors::form_encode;
using json = nlohmann::json;

json recorded() {
  std::ifstream in{std::filesystem::path{AETHEX_SOURCE_DIR} / "tests" / "e2e" / "support" /
                   "spotify_currently_playing.json"};
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::size_t code_points(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text)
    n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

TEST_CASE("spotify: the recorded currently-playing answer becomes a play") {
  auto track = parse_currently_playing(200, recorded().dump());
  REQUIRE(track);
  CHECK(track->spotify_id == "69kOkLUCkxIZYexIgSG8rq");
  CHECK(track->title == "Get Lucky (feat. Pharrell Williams & Nile Rodgers)");
  CHECK(track->artist == "Daft Punk, Pharrell Williams, Nile Rodgers");
  CHECK(track->album == "Random Access Memories");
  CHECK(track->key() == "69kOkLUCkxIZYexIgSG8rq");
}

TEST_CASE("spotify: nothing, paused, episodes, ads and odd answers play nothing") {
  CHECK_FALSE(parse_currently_playing(204, ""));
  CHECK_FALSE(parse_currently_playing(200, ""));
  CHECK_FALSE(parse_currently_playing(200, "not json"));
  CHECK_FALSE(parse_currently_playing(500, recorded().dump()));
  auto paused = recorded();
  paused["is_playing"] = false;
  CHECK_FALSE(parse_currently_playing(200, paused.dump()));
  auto episode = recorded();
  episode["currently_playing_type"] = "episode";
  episode["item"]["type"] = "episode";
  CHECK_FALSE(parse_currently_playing(200, episode.dump()));
  auto ad = recorded();
  ad["currently_playing_type"] = "ad";
  ad["item"] = nullptr;
  CHECK_FALSE(parse_currently_playing(200, ad.dump()));
  auto nameless = recorded();
  nameless["item"]["name"] = "  ";
  CHECK_FALSE(parse_currently_playing(200, nameless.dump()));
  auto odd_id = recorded();
  odd_id["item"]["id"] = "../../etc";  // music takes [A-Za-z0-9] only
  CHECK_FALSE(parse_currently_playing(200, odd_id.dump()));
}

TEST_CASE("spotify: a local file has no id; long text is cut to music's limits") {
  auto local = recorded();
  local["item"]["id"] = nullptr;
  local["item"]["is_local"] = true;
  std::string long_title;
  for (int i = 0; i < 150; ++i)
    long_title += "é";  // two bytes each
  for (int i = 0; i < 100; ++i)
    long_title += "x";
  local["item"]["name"] = long_title;
  local["item"]["artists"] = json::array({{{"name", "DJ Local"}}, {{"bogus", 1}}});
  auto track = parse_currently_playing(200, local.dump());
  REQUIRE(track);
  CHECK(track->spotify_id.empty());
  CHECK(code_points(track->title) == 200);
  CHECK(track->title.substr(0, 4) == "éé");
  CHECK(track->artist == "DJ Local");
  CHECK(track->key() == track->title + "\nDJ Local");
}

TEST_CASE("spotify: token answers") {
  auto full = parse_token_answer(
    R"({"access_token":"BQD","token_type":"Bearer","scope":"user-read-currently-playing",)"
    R"("expires_in":3600,"refresh_token":"AQC"})");
  REQUIRE(full);
  CHECK(full->access_token == "BQD");
  CHECK(full->refresh_token == "AQC");
  CHECK(full->expires_in_s == 3600);
  CHECK(full->scope == "user-read-currently-playing");
  auto refreshed = parse_token_answer(R"({"access_token":"BQE","expires_in":5})");
  REQUIRE(refreshed);
  CHECK(refreshed->refresh_token.empty());
  CHECK(refreshed->expires_in_s == 60);  // never polls with a token about to lapse
  CHECK_FALSE(parse_token_answer(R"({"error":"invalid_grant"})"));
  CHECK_FALSE(parse_token_answer("[]"));
  CHECK_FALSE(parse_token_answer(json{{"access_token", std::string(5000, 'a')}}.dump()));
}

TEST_CASE("spotify: form encoding, Basic credentials, state and the authorize URL") {
  CHECK(form_encode({{"a", "b c"}, {"redirect_uri", "http://h:1/x?y=1&z"}}) ==
        "a=b%20c&redirect_uri=http%3A%2F%2Fh%3A1%2Fx%3Fy%3D1%26z");
  CHECK(form_decode("a%20b+c%2F") == "a b c/");
  CHECK_FALSE(form_decode("%2"));
  CHECK_FALSE(form_decode("%zz"));
  // RFC 6749 §2.3.1: both parts form-encoded before RFC 7617's base64.
  CHECK(basic_auth("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuJTIwc2VzYW1l");
  CHECK(basic_auth("id", "secret") == "Basic aWQ6c2VjcmV0");

  std::string nonce(32, 'a');
  auto state = make_state("dj_nova", nonce);
  auto back = split_state(state);
  REQUIRE(back);
  CHECK(back->first == "dj_nova");
  CHECK(back->second == nonce);
  CHECK_FALSE(split_state("dj_nova"));
  CHECK_FALSE(split_state("dj_nova." + std::string(31, 'a')));
  CHECK_FALSE(split_state("dj_nova." + std::string(32, 'A')));
  CHECK_FALSE(split_state("d/j." + nonce));
  CHECK_FALSE(split_state("." + nonce));

  aethex::runtime::spotify_config config;
  config.client_id = "cid";
  config.client_secret = "csecret";
  CHECK(configured(config));
  CHECK(redirect_uri(config, "127.0.0.1:8080") ==
        "http://127.0.0.1:8080/api/v1/music/spotify/callback");
  auto url = authorize_url(config, "http://127.0.0.1:8080/cb", state);
  CHECK(url ==
        "https://accounts.spotify.com/authorize?client_id=cid&response_type=code&redirect_uri="
        "http%3A%2F%2F127.0.0.1%3A8080%2Fcb&scope=user-read-currently-playing&state=dj_nova." +
          nonce);
  CHECK(url.find("csecret") == std::string::npos);
  config.client_secret.clear();
  CHECK_FALSE(configured(config));
}

}  // namespace spotify_parse_test

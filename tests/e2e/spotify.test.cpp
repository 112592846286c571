// Spotify now playing end to end, with no network: a loopback stand-in for Spotify's accounts
// service and Web API (support/spotify_standin.py) serves a recorded currently-playing answer
// (support/spotify_currently_playing.json). The owner's link is followed by hand: the node's 302
// to the authorize page, the stand-in's 302 back with a code, the callback exchanging it (Basic
// credentials, the same redirect URI); a used state is refused. Once the channel is live in DJ
// mode, the node's test clock moving 10 s makes the poller ask what plays, and the recorded track
// becomes now playing with its Spotify id. An hour later the access token is renewed with the
// refresh token. Unlinking stops it; no token or the client secret is ever answered or logged.
#include <doctest/doctest.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "net/app/http_client.hpp"
#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/process.hpp"

namespace spotify_suite {

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

const std::string support_dir = std::string{AETHEX_SOURCE_DIR} + "/tests/e2e/support/";
const std::string client_id = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const std::string client_secret = "s3cr3t-of-the-spotify-app-4c0ffee";

// "http://host:port/path?query" → {"host:port", "/path?query"}.
std::pair<std::string, std::string> split_url(const std::string& url) {
  auto rest = url.substr(url.find("://") + 3);
  auto slash = rest.find('/');
  return {rest.substr(0, slash), rest.substr(slash)};
}

std::vector<json> standin_requests(const std::filesystem::path& record, const std::string& path) {
  std::vector<json> out;
  for (auto& r : json_lines_of(record))
    if (r["path"].get<std::string>().starts_with(path))
      out.push_back(r);
  return out;
}

json now_playing(const test_node& node) {
  auto res = api_call(node, "GET", "/api/v1/channels/djnova/music");
  return res.status == 200 ? res.body.value("now_playing", json{}) : json{};
}

TEST_CASE("spotify: link through the authorize round trip, now playing from the poller, unlink") {
  REQUIRE(on_path("python3"));
  REQUIRE(on_path("ffmpeg"));
  auto dir = fresh_temp_dir("spotify");
  auto record = dir / "requests.jsonl";
  auto port = free_tcp_port();
  child_process standin{{"python3", support_dir + "spotify_standin.py", std::to_string(port),
                         record.string(), client_id, client_secret,
                         support_dir + "spotify_currently_playing.json"},
                        output_dir("spotify") / "standin.log"};
  REQUIRE(eventually([&] { return standin.log().find("listening ") != std::string::npos; }, 10s));
  auto standin_base = "http://127.0.0.1:" + std::to_string(port);

  test_node node{"spotify",
                 {"--test-clock", "--spotify-client-id", client_id, "--spotify-client-secret",
                  client_secret, "--spotify-accounts-url", standin_base, "--spotify-api-url",
                  standin_base + "/"}};
  auto key = node.create_channel("djnova");
  auto admin = admin_token(node.data_dir.string());
  auto node_host = "127.0.0.1:" + std::to_string(node.http_port);

  auto status = api_ok(node, "GET", "channels/djnova/music/spotify", admin);
  CHECK(status["linked"] == false);
  CHECK(status["configured"] == true);
  // Only the owner links.
  auto ada = api_ok(node, "POST", "auth/signup", "",
                    {{"username", "ada"}, {"password", "ada-password-1"}})["token"]
               .get<std::string>();
  CHECK(api_step(node, "GET", "channels/djnova/music/spotify/link", ada).status == 403);
  CHECK(api_step(node, "GET", "music/spotify/callback?code=x&state=nope", "").status == 400);

  // The owner's link: a 302 to the authorize page with everything Spotify asks for.
  auto link = aethex::app::http_call(node_host, "GET", "/api/v1/channels/djnova/music/spotify/link",
                                     "", admin);
  REQUIRE(link.status == 302);
  INFO("authorize: " << link.location);
  CHECK(link.location.starts_with(standin_base + "/authorize?client_id=" + client_id +
                                  "&response_type=code&redirect_uri="));
  CHECK(link.location.find("scope=user-read-currently-playing") != std::string::npos);
  CHECK(link.location.find("&state=djnova.") != std::string::npos);
  CHECK(link.location.find(client_secret) == std::string::npos);

  // The stand-in consents at once and sends the browser back with a code.
  auto [standin_host, authorize_target] = split_url(link.location);
  auto consent = aethex::app::http_call(standin_host, "GET", authorize_target, "", "");
  REQUIRE(consent.status == 302);
  auto [callback_host, callback_target] = split_url(consent.location);
  CHECK(callback_host == node_host);
  CHECK(callback_target.starts_with("/api/v1/music/spotify/callback?code=code-ok&state=djnova."));
  auto back = aethex::app::http_call(node_host, "GET", callback_target, "", "");
  INFO("callback: " << back.status << " " << back.body);
  REQUIRE(back.status == 302);
  CHECK(back.location == "/dashboard?channel=djnova&spotify=linked");
  // A state is used once.
  CHECK(aethex::app::http_call(node_host, "GET", callback_target, "", "").status == 400);

  auto exchanges = standin_requests(record, "/api/token");
  REQUIRE(exchanges.size() == 1);
  CHECK(exchanges[0]["body"].get<std::string>().find("grant_type=authorization_code&code=code-ok"
                                                     "&redirect_uri=http%3A%2F%2F" +
                                                     std::string{"127.0.0.1"}) == 0);
  status = api_ok(node, "GET", "channels/djnova/music/spotify", admin);
  CHECK(status["linked"] == true);
  CHECK(status.dump().find("standin") == std::string::npos);  // no token answered

  // Live in DJ mode: the poller's next turn (10 s on the node's clock) asks Spotify.
  api_ok(node, "PUT", "channels/djnova/music/settings", admin, {{"dj_mode", true}});
  child_process ffmpeg{ffmpeg_publish_args(node.rtmp_url(key), 40), node.out_dir / "ffmpeg.log"};
  REQUIRE_MESSAGE(eventually([&] { return channel_live(node, "djnova"); }, 15s), node.log());
  api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 11}});
  REQUIRE_MESSAGE(eventually([&] { return !now_playing(node).is_null(); }, 10s), node.log());
  auto play = now_playing(node);
  INFO(play.dump());
  CHECK(play["source"] == "spotify");
  CHECK(play["track"]["spotify_id"] == "69kOkLUCkxIZYexIgSG8rq");
  CHECK(play["track"]["title"] == "Get Lucky (feat. Pharrell Williams & Nile Rodgers)");
  CHECK(play["track"]["artist"] == "Daft Punk, Pharrell Williams, Nile Rodgers");
  CHECK(play["track"]["album"] == "Random Access Memories");
  auto polls = standin_requests(record, "/v1/me/player/currently-playing");
  REQUIRE(!polls.empty());
  CHECK(polls[0]["headers"]["Authorization"] == "Bearer at-standin-1");

  // An hour on, the access token has lapsed: renewed with the refresh token, then asked again.
  api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 3600}});
  REQUIRE(eventually(
    [&] {
      auto p = standin_requests(record, "/v1/me/player/currently-playing");
      return p.back()["headers"]["Authorization"] == "Bearer at-standin-2";
    },
    10s));
  auto tokens = standin_requests(record, "/api/token");
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[1]["body"] == "grant_type=refresh_token&refresh_token=rt-standin-1");
  // The same track again is not a new play.
  auto history = api_ok(node, "GET", "channels/djnova/music", "")["history"];
  CHECK(history.size() == 1);

  // Unlinked: no more polls, however far the clock moves.
  auto unlink = api_step(node, "DELETE", "channels/djnova/music/spotify", admin);
  CHECK(unlink.status == 204);
  CHECK(api_ok(node, "GET", "channels/djnova/music/spotify", admin)["linked"] == false);
  auto polled = standin_requests(record, "/v1/me/player/currently-playing").size();
  api_ok(node, "POST", "admin/test-clock", admin, {{"advance_s", 30}});
  std::this_thread::sleep_for(1500ms);  // more than a tick of the entity: nothing may come
  CHECK(standin_requests(record, "/v1/me/player/currently-playing").size() == polled);

  // Secrets stay out of the log.
  auto log = node.log();
  for (const auto& secret : {client_secret, std::string{"rt-standin-1"}, std::string{"at-standin"},
                             std::string{"code-ok"}})
    CHECK_MESSAGE(log.find(secret) == std::string::npos, secret);
}

}  // namespace spotify_suite

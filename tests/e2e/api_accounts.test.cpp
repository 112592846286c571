// Accounts, sessions and channel ownership through the REST API of a real node, with a real HTTP
// client: happy paths, owner-only rules, hostile input (nothing written), persistence across a
// restart, and rebuilding the read models offline.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

const std::string alice_pw = "alice-password-1";
const std::string bob_pw = "bob-password-22";

struct reply {
  unsigned status = 0;
  json body;
  std::string raw;
};

reply call(const test_node& node, const std::string& method, const std::string& target,
           const std::string& body = {}, const std::string& token = {}) {
  auto res = aethex::app::http_call("127.0.0.1:" + std::to_string(node.http_port), method, target,
                                    body, token);
  INFO(method << " " << target << " -> " << res.status << " " << res.body << res.error);
  REQUIRE(res.status != 0);
  return {res.status, json::parse(res.body, nullptr, false), res.body};
}

reply call_json(const test_node& node, const std::string& method, const std::string& target,
                const json& body, const std::string& token = {}) {
  return call(node, method, target, body.dump(), token);
}

// Announces a body just over 1 MiB and sends only its start: the server must answer 413 from the
// headers alone (a full write could race the server closing the connection).
unsigned oversized_status(const test_node& node, const std::string& method,
                          const std::string& target, const std::string& token) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(node.http_port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                    "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n" +
                    "Content-Length: " + std::to_string((1 << 20) + 16) + "\r\n\r\n{\"bio\":\"";
  req += std::string(64 * 1024, 'x');
  (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string response(64, '\0');
  auto n = ::recv(fd, response.data(), response.size(), 0);
  ::close(fd);
  unsigned status = 0;
  if (n > 12 && response.rfind("HTTP/1.1 ", 0) == 0)
    status = static_cast<unsigned>(std::stoi(response.substr(9, 3)));
  return status;
}

std::string error_code(const reply& r) {
  if (!r.body.is_object() || !r.body.contains("error"))
    return "<no error object: " + r.raw + ">";
  return r.body["error"].value("code", "");
}

std::string signup(const test_node& node, const std::string& user, const std::string& pw) {
  auto r = call_json(node, "POST", "/api/v1/auth/signup",
                     json{{"username", user}, {"password", pw}});
  REQUIRE(r.status == 201);
  return r.body["token"].get<std::string>();
}

std::string admin_token(const test_node& node) {
  std::ifstream in(node.data_dir / "admin.token");
  std::string token;
  in >> token;
  return token;
}

json directory(const test_node& node, const std::string& query = "") {
  auto r = call(node, "GET", "/api/v1/channels" + query);
  REQUIRE(r.status == 200);
  return r.body["channels"];
}

std::vector<std::string> names_of(const json& channels) {
  std::vector<std::string> names;
  for (auto& c : channels)
    names.push_back(c["name"]);
  return names;
}

}  // namespace

TEST_CASE("sign up, log in, sessions and profile") {
  test_node node{"api_accounts_auth"};
  auto r = call_json(node, "POST", "/api/v1/auth/signup",
                     json{
                       {"username", "alice"}, {"password", alice_pw}, {"email", "a@example.org"}});
  REQUIRE(r.status == 201);
  auto token1 = r.body["token"].get<std::string>();
  CHECK(std::regex_match(token1, std::regex{"[0-9a-f]{64}"}));
  CHECK(r.body["user"]["username"] == "alice");
  CHECK(r.body["user"]["email"] == "a@example.org");
  CHECK(r.body["expires_at_ms"].get<std::int64_t>() > 0);
  CHECK(r.raw.find("argon2") == std::string::npos);
  CHECK(r.raw.find(alice_pw) == std::string::npos);

  auto me = call(node, "GET", "/api/v1/me", "", token1);
  REQUIRE(me.status == 200);
  CHECK(me.body["username"] == "alice");
  CHECK(me.body["settings"]["theme"] == "dark");

  CHECK(call_json(node, "POST", "/api/v1/auth/signup",
                  json{{"username", "alice"}, {"password", "another-pass"}})
          .status == 409);
  auto wrong = call_json(node, "POST", "/api/v1/auth/login",
                         json{{"username", "alice"}, {"password", "not-her-password"}});
  CHECK(wrong.status == 401);
  CHECK(error_code(wrong) == "unauthorized");
  auto unknown = call_json(node, "POST", "/api/v1/auth/login",
                           json{{"username", "nobody"}, {"password", "whatever-pw"}});
  CHECK(unknown.status == 401);
  CHECK(unknown.body["error"]["message"] == wrong.body["error"]["message"]);

  auto login = call_json(node, "POST", "/api/v1/auth/login",
                         json{{"username", "alice"}, {"password", alice_pw}});
  REQUIRE(login.status == 200);
  auto token2 = login.body["token"].get<std::string>();
  CHECK(token2 != token1);

  auto patched = call_json(node, "PATCH", "/api/v1/me",
                           json{{"display_name", "Alice ✨"},
                                {"bio", "Robert'); DROP TABLE users;--"},
                                {"avatar_url", "https://img.example.org/alice.png"},
                                {"settings", {{"theme", "light"}}}},
                           token2);
  REQUIRE(patched.status == 200);
  CHECK(patched.body["display_name"] == "Alice ✨");
  CHECK(patched.body["settings"]["theme"] == "light");
  auto profile = call(node, "GET", "/api/v1/users/alice");
  REQUIRE(profile.status == 200);
  CHECK(profile.body["bio"] == "Robert'); DROP TABLE users;--");
  CHECK_FALSE(profile.body.contains("email"));
  CHECK_FALSE(profile.body.contains("settings"));
  CHECK(call(node, "GET", "/api/v1/users/ghost").status == 404);

  REQUIRE(call(node, "POST", "/api/v1/auth/logout", "", token1).status == 200);
  CHECK(call(node, "GET", "/api/v1/me", "", token1).status == 401);
  CHECK(call(node, "POST", "/api/v1/auth/logout", "", token1).status == 401);
  CHECK(call(node, "GET", "/api/v1/me", "", token2).status == 200);
  CHECK(call(node, "GET", "/api/v1/me").status == 401);
  CHECK(call(node, "GET", "/api/v1/me", "", std::string(64, 'a')).status == 401);
  CHECK(call(node, "GET", "/api/v1/me", "", admin_token(node)).status == 403);

  // Secrets never reach the log.
  auto log = node.log();
  CHECK(log.find(alice_pw) == std::string::npos);
  CHECK(log.find(token1) == std::string::npos);
  CHECK(log.find(token2) == std::string::npos);
}

TEST_CASE("log-in attempts are limited per address") {
  test_node node{"api_accounts_ratelimit"};
  signup(node, "carol", "carol-password");
  for (int i = 0; i < 10; ++i)
    CHECK(call_json(node, "POST", "/api/v1/auth/login",
                    json{{"username", "carol"}, {"password", "guess-" + std::to_string(i)}})
            .status == 401);
  auto limited = call_json(node, "POST", "/api/v1/auth/login",
                           json{{"username", "carol"}, {"password", "carol-password"}});
  CHECK(limited.status == 429);
  CHECK(error_code(limited) == "rate_limited");
}

TEST_CASE("channels: ownership, metadata, stream keys, directory, restart and rebuild") {
  auto node = std::make_unique<test_node>("api_accounts_channels");
  auto alice = signup(*node, "alice", alice_pw);
  auto bob = signup(*node, "bob", bob_pw);

  CHECK(call_json(*node, "POST", "/api/v1/channels", json{{"name", "alicetv"}}).status == 401);
  auto created = call_json(*node, "POST", "/api/v1/channels",
                           json{{"name", "alicetv"}, {"title", "Alice live"}}, alice);
  REQUIRE(created.status == 201);
  auto key = created.body["stream_key"].get<std::string>();
  CHECK(key.rfind("live_alicetv_", 0) == 0);
  CHECK(call_json(*node, "POST", "/api/v1/channels", json{{"name", "alicetv"}}, bob).status == 409);
  REQUIRE(call_json(*node, "POST", "/api/v1/channels", json{{"name", "bobcast"}}, bob).status ==
          201);
  auto cli_key = node->create_channel("admintv");  // the CLI uses the admin token
  CHECK(cli_key.rfind("live_admintv_", 0) == 0);

  auto channel = call(*node, "GET", "/api/v1/channels/alicetv");
  REQUIRE(channel.status == 200);
  CHECK(channel.body["owner"] == "alice");
  CHECK(channel.body["title"] == "Alice live");
  CHECK(channel.raw.find(key) == std::string::npos);

  // Only the owner (or the admin) may change the channel or see its key.
  for (auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
         {"PATCH", "/api/v1/channels/alicetv"},
         {"GET", "/api/v1/channels/alicetv/stream-key"},
         {"POST", "/api/v1/channels/alicetv/stream-key"}}) {
    CAPTURE(method + " " + target);
    auto body = method == "PATCH" ? json{{"title", "bob was here"}}.dump() : std::string{};
    auto as_bob = call(*node, method, target, body, bob);
    CHECK(as_bob.status == 403);
    CHECK(error_code(as_bob) == "forbidden");
    CHECK(call(*node, method, target, body).status == 401);
  }
  CHECK(
    call_json(*node, "PATCH", "/api/v1/channels/nosuchchan", json{{"title", "x"}}, alice).status ==
    404);
  auto revealed = call(*node, "GET", "/api/v1/channels/alicetv/stream-key", "", alice);
  REQUIRE(revealed.status == 200);
  CHECK(revealed.body["stream_key"] == key);
  CHECK(call(*node, "GET", "/api/v1/channels/alicetv/stream-key", "", admin_token(*node))
          .body["stream_key"] == key);

  auto patched = call_json(
    *node, "PATCH", "/api/v1/channels/alicetv",
    json{{"title", "Speedruns 🏃"}, {"category", "Games"}, {"tags", {"Speedrun", "retro"}}}, alice);
  REQUIRE(patched.status == 200);
  CHECK(patched.body["title"] == "Speedruns 🏃");
  CHECK(patched.body["tags"] == json{"speedrun", "retro"});
  CHECK(call(*node, "GET", "/api/v1/channels/alicetv").body["category"] == "Games");

  auto rotated = call(*node, "POST", "/api/v1/channels/alicetv/stream-key", "", alice);
  REQUIRE(rotated.status == 200);
  auto new_key = rotated.body["stream_key"].get<std::string>();
  CHECK(new_key != key);
  CHECK(call(*node, "GET", "/api/v1/channels/alicetv/stream-key", "", alice).body["stream_key"] ==
        new_key);

  // The directory comes from the SQLite read model and catches up within moments.
  REQUIRE(eventually(
    [&] {
      auto list = directory(*node);
      return list.size() == 3 && list[1]["title"] == "Speedruns 🏃";
    },
    5s));
  auto list = directory(*node);
  CHECK(names_of(list) == std::vector<std::string>{"admintv", "alicetv", "bobcast"});
  CHECK(list[1]["owner"] == "alice");
  CHECK(list[1]["category"] == "Games");
  CHECK(directory(*node, "?live=true").empty());
  auto page = call(*node, "GET", "/api/v1/channels?limit=2");
  CHECK(names_of(page.body["channels"]) == std::vector<std::string>{"admintv", "alicetv"});
  CHECK(page.body["next"] == "alicetv");
  CHECK(names_of(directory(*node, "?after=alicetv")) == std::vector<std::string>{"bobcast"});
  CHECK(call(*node, "GET", "/api/v1/channels?limit=0").status == 400);
  CHECK(call(*node, "GET", "/api/v1/channels?live=maybe").status == 400);

  if (on_path("ffmpeg")) {
    // Going live shows in the directory's live filter.
    child_process ffmpeg{ffmpeg_publish_args(node->rtmp_url(new_key), 6), node->out_dir / "ff.log"};
    CHECK(eventually(
      [&] {
        return names_of(directory(*node, "?live=true")) == std::vector<std::string>{"alicetv"};
      },
      15s));
    ffmpeg.wait(30s);
    CHECK(eventually([&] { return directory(*node, "?live=true").empty(); }, 15s));
  }
  // The old key no longer publishes; the new one is the only one the channel accepts.
  auto before_restart = directory(*node);

  // A running node holds the data folder: rebuilding must refuse clearly.
  auto busy = run(
    {AETHEX_BINARY, "admin", "rebuild-projections", "--data", node->data_dir.string()}, 30s);
  CHECK(busy.status != 0);
  CHECK(busy.output.find("in use by a running node") != std::string::npos);

  auto stopped = node->stop();
  INFO("node exit status: " << (stopped ? std::to_string(*stopped) : "still running"));
  REQUIRE(stopped == 0);
  auto rebuilt = run(
    {AETHEX_BINARY, "admin", "rebuild-projections", "--data", node->data_dir.string()}, 60s);
  INFO(rebuilt.output);
  CHECK(rebuilt.status == 0);
  // In a cluster the node handed its partitions on when it stopped: its folder holds no rows.
  if (!test_node::in_cluster())
    CHECK(rebuilt.output.find("channel_directory.4: 3 rows") != std::string::npos);

  test_node again{"api_accounts_restart", {}, node->data_dir};
  CHECK(directory(again) == before_restart);
  CHECK(call(again, "GET", "/api/v1/me", "", alice).body["username"] == "alice");
  CHECK(call(again, "GET", "/api/v1/channels/alicetv/stream-key", "", alice).body["stream_key"] ==
        new_key);
  CHECK(call(again, "GET", "/api/v1/channels/alicetv").body["tags"] == json{"speedrun", "retro"});
  CHECK(call_json(again, "POST", "/api/v1/auth/login",
                  json{{"username", "bob"}, {"password", bob_pw}})
          .status == 200);
}

TEST_CASE("hostile input gets a clear 4xx and changes nothing") {
  test_node node{"api_accounts_bad_input"};
  auto alice = signup(node, "alice", alice_pw);
  REQUIRE(call_json(node, "POST", "/api/v1/channels", json{{"name", "alicetv"}}, alice).status ==
          201);
  auto me_before = call(node, "GET", "/api/v1/me", "", alice).body;
  auto channel_before = call(node, "GET", "/api/v1/channels/alicetv").body;

  const std::string big_string = std::string(1000 * 1000, 'y');
  struct bad {
    std::string method, target, body;
    unsigned status;
    std::string code;
  };
  std::vector<bad> cases = {
    {"POST", "/api/v1/auth/signup", "{", 400, "invalid_json"},
    {"POST", "/api/v1/auth/signup", "[]", 400, "invalid_json"},
    {"POST", "/api/v1/auth/signup", "null", 400, "invalid_json"},
    {"POST", "/api/v1/auth/signup", R"({"username":5,"password":"long-enough"})", 400,
     "invalid_argument"},
    {"POST", "/api/v1/auth/signup", R"({"username":"mallory"})", 400, "invalid_argument"},
    {"POST", "/api/v1/auth/signup", R"({"username":"mallory","password":"short"})", 400,
     "invalid_argument"},
    {"POST", "/api/v1/auth/signup",
     json{{"username", "mallory"}, {"password", std::string(257, 'p')}}.dump(), 400,
     "invalid_argument"},
    {"POST", "/api/v1/auth/signup",
     json{{"username", "mällory"}, {"password", "long-enough"}}.dump(), 400, "invalid_argument"},
    {"POST", "/api/v1/auth/signup",
     json{{"username", "x'); DROP TABLE channels;--"}, {"password", "long-enough"}}.dump(), 400,
     "invalid_argument"},
    {"POST", "/api/v1/auth/signup",
     json{{"username", "mallory"}, {"password", "long-enough"}, {"email", "not an email"}}.dump(),
     400, "invalid_argument"},
    {"POST", "/api/v1/auth/signup",
     json{{"username", "mallory"}, {"password", "long-enough"}, {"admin", true}}.dump(), 400,
     "invalid_argument"},
    {"POST", "/api/v1/auth/signup", json{{"username", "mallory"}, {"password", big_string}}.dump(),
     400, "invalid_argument"},
    {"POST", "/api/v1/auth/login", R"({"username":"alice","password":["x"]})", 400,
     "invalid_argument"},
    {"PATCH", "/api/v1/me", "{not json", 400, "invalid_json"},
    {"PATCH", "/api/v1/me", json{{"display_name", std::string(41, 'd')}}.dump(), 400,
     "invalid_argument"},
    {"PATCH", "/api/v1/me", json{{"display_name", 42}}.dump(), 400, "invalid_argument"},
    {"PATCH", "/api/v1/me", json{{"avatar_url", "javascript:alert(1)"}}.dump(), 400,
     "invalid_argument"},
    {"PATCH", "/api/v1/me", json{{"bio", big_string}}.dump(), 400, "invalid_argument"},
    {"PATCH", "/api/v1/me", json{{"username", "root"}}.dump(), 400, "invalid_argument"},
    {"PATCH", "/api/v1/me",
     json{{"bio", "fine"}, {"settings", {{"theme", "'; DELETE FROM users"}}}}.dump(), 400,
     "invalid_argument"},
    {"POST", "/api/v1/channels", "{", 400, "invalid_json"},
    {"POST", "/api/v1/channels", json{{"name", "../../etc"}}.dump(), 400, "invalid_argument"},
    {"POST", "/api/v1/channels", json{{"name", "chännel"}}.dump(), 400, "invalid_argument"},
    {"POST", "/api/v1/channels", json{{"name", "x' OR '1'='1"}}.dump(), 400, "invalid_argument"},
    {"POST", "/api/v1/channels",
     json{{"name", "longtitle"}, {"title", std::string(141, 't')}}.dump(), 400, "invalid_argument"},
    {"POST", "/api/v1/channels", json{{"name", "badtitle"}, {"title", 7}}.dump(), 400,
     "invalid_argument"},
    {"PATCH", "/api/v1/channels/alicetv", "[1,2]", 400, "invalid_json"},
    {"PATCH", "/api/v1/channels/alicetv", json{{"title", std::string(141, 't')}}.dump(), 400,
     "invalid_argument"},
    {"PATCH", "/api/v1/channels/alicetv", json{{"tags", {"ok", "not ok"}}}.dump(), 400,
     "invalid_argument"},
    {"PATCH", "/api/v1/channels/alicetv", json{{"title", "fine"}, {"owner", "mallory"}}.dump(), 400,
     "invalid_argument"},
  };
  for (auto& c : cases) {
    CAPTURE(c.method + " " + c.target + " " + c.body.substr(0, 80));
    auto r = call(node, c.method, c.target, c.body, alice);
    CHECK(r.status == c.status);
    if (!c.code.empty()) {
      CHECK(error_code(r) == c.code);
      CHECK_FALSE(r.body["error"].value("message", "").empty());
    }
  }

  for (auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/api/v1/auth/signup"},
                                                        {"PATCH", "/api/v1/me"},
                                                        {"PATCH", "/api/v1/channels/alicetv"}}) {
    CAPTURE(method + " " + target);
    CHECK(oversized_status(node, method, target, alice) == 413);
  }

  CHECK(call(node, "GET", "/api/v1/users/mallory").status == 404);
  CHECK(call(node, "GET", "/api/v1/me", "", alice).body == me_before);
  CHECK(call(node, "GET", "/api/v1/channels/alicetv").body == channel_before);
  for (auto name : {"longtitle", "badtitle"})
    CHECK(call(node, "GET", std::string{"/api/v1/channels/"} + name).status == 404);

  // SQL-looking and non-ASCII text in valid fields is stored and listed verbatim.
  const std::string sneaky = "Robert'); DROP TABLE channels;-- 日本語 🎮";
  REQUIRE(call_json(node, "POST", "/api/v1/channels", json{{"name", "bobby"}, {"title", sneaky}},
                    alice)
            .status == 201);
  CHECK(eventually(
    [&] {
      auto list = directory(node);
      return list.size() == 2 && list[1]["title"] == sneaky;
    },
    5s));
}

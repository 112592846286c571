// Channel, directory and search reads through the REST API of a real node (also run as one
// member of a 3-node cluster): they are answered from the node's response cache (ETag / 304),
// and a change shows at once on the channel and, well within the cache's 2 s age limit, in the
// directory and search — so only invalidation can have made it show.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "net/app/http_client.hpp"
#include "tests/e2e/support/node_fixture.hpp"
#include "tests/e2e/support/raw_client.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

struct reply {
  unsigned status = 0;
  json body;
};

reply call(const test_node& node, const std::string& method, const std::string& target,
           const std::string& token = {}, const std::string& body = {}) {
  auto res = aethex::app::http_call("127.0.0.1:" + std::to_string(node.http_port), method, target,
                                    body, token);
  INFO(method << " " << target << " -> " << res.status << " " << res.body << res.error);
  REQUIRE(res.status != 0);
  return {res.status, json::parse(res.body, nullptr, false)};
}

// The head of GET `target`, sent with `if_none_match` when given.
std::string head_of(const test_node& node, const std::string& target,
                    const std::string& if_none_match = {}) {
  raw_client client{node.http_port};
  client.send("GET " + target + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n" +
              (if_none_match.empty() ? "" : "If-None-Match: " + if_none_match + "\r\n") + "\r\n");
  return client.read_until("\r\n\r\n", 5s);
}

std::string etag_in(const std::string& head) {
  auto at = head.find("ETag: ");
  return at == std::string::npos ? "" : head.substr(at + 6, head.find("\r\n", at) - at - 6);
}

json directory_row(const test_node& node, const std::string& name) {
  auto page = call(node, "GET", "/api/v1/channels?limit=100");
  for (auto& row : page.body["channels"])
    if (row["name"] == name)
      return row;
  return nullptr;
}

bool found_by(const test_node& node, const std::string& q, const std::string& name) {
  auto r = call(node, "GET", "/api/v1/search?q=" + q);
  REQUIRE(r.status == 200);
  for (auto& row : r.body["channels"])
    if (row["name"] == name)
      return true;
  return false;
}

// Polls `check` every 50 ms for up to `limit`.
template <class Check>
bool within(std::chrono::milliseconds limit, Check check) {
  auto end = std::chrono::steady_clock::now() + limit;
  do {
    if (check())
      return true;
    std::this_thread::sleep_for(50ms);
  } while (std::chrono::steady_clock::now() < end);
  return check();
}

}  // namespace

TEST_CASE("cached channel, directory and search reads see every change") {
  test_node node{"channel_reads_api"};
  auto admin = admin_token(node.data_dir.string());
  for (auto [name, title] : {std::pair{"readsalpha", "Alpha quest"}, {"readsbeta", "Beta"}})
    REQUIRE(call(node, "POST", "/api/v1/channels", admin,
                 json{{"name", name}, {"title", title}}.dump())
              .status == 201);

  // Validators: the same answer again is a bodiless 304.
  auto head = head_of(node, "/api/v1/channels/readsalpha");
  REQUIRE(head.starts_with("HTTP/1.1 200"));
  auto etag = etag_in(head);
  REQUIRE(etag.size() == 18);
  CHECK(head.find("Cache-Control: no-cache") != std::string::npos);
  CHECK(head_of(node, "/api/v1/channels/readsalpha", etag).starts_with("HTTP/1.1 304"));

  // Fill the directory and search answers (the read model lags the creation by moments).
  REQUIRE(within(5s, [&] { return directory_row(node, "readsalpha").is_object(); }));
  REQUIRE(within(5s, [&] { return found_by(node, "alpha", "readsalpha"); }));
  CHECK_FALSE(found_by(node, "gamma", "readsalpha"));

  auto patched = call(node, "PATCH", "/api/v1/channels/readsalpha", admin,
                      json{{"title", "Gamma run"}, {"tags", {"speedrun"}}}.dump());
  REQUIRE(patched.status == 200);
  auto changed = std::chrono::steady_clock::now();
  // Directory and search as soon as the read model has it, here or on the member owning it.
  // Read at once, they most likely answer from the model before it applied the change, and that
  // answer is cached: only the read model's report (or a member's) can then replace it in time.
  bool stale_seen = directory_row(node, "readsalpha")["title"] != "Gamma run";
  stale_seen = !found_by(node, "gamma", "readsalpha") || stale_seen;
  CHECK(within(1500ms, [&] { return directory_row(node, "readsalpha")["title"] == "Gamma run"; }));
  CHECK(within(1500ms, [&] { return found_by(node, "gamma", "readsalpha"); }));
  CHECK(within(1500ms, [&] { return found_by(node, "speedrun", "readsalpha"); }));
  CHECK(within(1500ms, [&] { return !found_by(node, "alpha", "readsalpha"); }));
  // The channel itself at once (a write invalidates this node's cache before it answers).
  CHECK(call(node, "GET", "/api/v1/channels/readsalpha").body["title"] == "Gamma run");
  CHECK(head_of(node, "/api/v1/channels/readsalpha", etag).starts_with("HTTP/1.1 200"));
  MESSAGE("change visible in directory and search after "
          << std::string{stale_seen ? "a stale answer, " : ""}
          << std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now() - changed)
               .count()
          << " ms");
}

TEST_CASE("search answers ranked channels and categories, and refuses bad queries") {
  test_node node{"channel_search_api"};
  auto admin = admin_token(node.data_dir.string());
  for (auto name : {"chessclub", "chessmaster", "knitting"})
    REQUIRE(call(node, "POST", "/api/v1/channels", admin, json{{"name", name}}.dump()).status ==
            201);
  REQUIRE(call(node, "PATCH", "/api/v1/channels/knitting", admin,
               json{{"category", "Chess Variants"}}.dump())
            .status == 200);
  reply found;
  REQUIRE(within(5s, [&] {
    found = call(node, "GET", "/api/v1/search?q=Chess&limit=10");
    return found.status == 200 && found.body["channels"].size() == 3;
  }));
  std::vector<std::string> names;
  for (auto& row : found.body["channels"])
    names.push_back(row["name"]);
  // Name prefixes first (by name on equal relevance), the category match after them.
  CHECK(names == std::vector<std::string>{"chessclub", "chessmaster", "knitting"});
  CHECK(found.body["channels"][0].contains("hls"));
  CHECK(found.body["categories"] ==
        json::array({{{"name", "Chess Variants"}, {"live_channels", 0}}}));
  CHECK(call(node, "GET", "/api/v1/search?q=chess+var").body["channels"].size() == 1);
  CHECK(call(node, "GET", "/api/v1/search?q=chess&limit=1").body["channels"].size() == 1);

  for (auto bad :
       {"/api/v1/search", "/api/v1/search?q=", "/api/v1/search?q=+%20", "/api/v1/search?q=%zz",
        "/api/v1/search?q=%ff", "/api/v1/search?q=a&limit=0", "/api/v1/search?q=a&limit=51"}) {
    auto r = call(node, "GET", bad);
    CHECK_MESSAGE(r.status == 400, bad);
    CHECK(r.body["error"]["code"] == "invalid_argument");
  }
  CHECK(call(node, "GET", "/api/v1/search?q=" + std::string(100, 'c')).status == 200);
  CHECK(call(node, "GET", "/api/v1/search?q=" + std::string(101, 'c')).status == 400);
  auto api = call(node, "GET", "/api/v1/openapi.json");
  CHECK(api.body["paths"]["/search"]["get"]["x-aethex-access"] == "anyone");
}

// 5,000 viewers in one poll on one node: every viewer watches the channel's chat room over its
// own WebSocket, signs up (docs/testing.md, "Thousands of accounts") and votes over REST on a
// few dozen keep-alive connections. All votes are answered within 10 s, the counts are exact,
// and every one of the 5,000 sockets receives the final `poll` frame with the exact total.
//
// The sockets share one Asio thread (5,000 chat_clients would be 5,000 threads); the REST
// calls run on plain threads, one keep-alive connection each.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/support/api_steps.hpp"
#include "tests/e2e/support/checks.hpp"
#include "tests/e2e/support/node_fixture.hpp"

using namespace aethex::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

constexpr int viewers = 5000;
constexpr int choices = 4;

tcp::endpoint node_endpoint(unsigned short port) {
  return {asio::ip::make_address("127.0.0.1"), port};
}

// One keep-alive HTTP/1.1 connection to the node's API (blocking).
class rest_connection {
 public:
  explicit rest_connection(unsigned short port) : stream_(io_) {
    stream_.connect(node_endpoint(port));
  }

  // The status and JSON body of `method /api/v1/<target>`.
  std::pair<unsigned, json> call(http::verb method, const std::string& target,
                                 const std::string& token, const json& body) {
    http::request<http::string_body> req{method, "/api/v1/" + target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    if (!token.empty())
      req.set(http::field::authorization, "Bearer " + token);
    if (!body.is_null()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body.dump();
    }
    req.prepare_payload();
    http::write(stream_, req);
    http::response<http::string_body> res;
    http::read(stream_, buffer_, res);
    return {res.result_int(), json::parse(res.body(), nullptr, false)};
  }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

// Runs `work(connection, i)` for every i in [0, n) on `connections` threads with a keep-alive
// connection each; returns how many calls threw (connection lost).
template <class Work>
int over_connections(unsigned short port, int n, int connections, Work work) {
  std::atomic<int> next{0};
  std::atomic<int> broken{0};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(connections));
  for (int c = 0; c < connections; ++c)
    threads.emplace_back([&] {
      try {
        rest_connection conn{port};
        for (int i = next++; i < n; i = next++)
          work(conn, i);
      } catch (const std::exception&) {
        ++broken;
      }
    });
  for (auto& t : threads)
    t.join();
  return broken;
}

// Every viewer's WebSocket, joined to one room, on one Asio thread: counts the sockets that
// joined and those that received the final poll frame with `expected_total` votes.
class watchers {
 public:
  watchers(unsigned short port, std::string channel) : port_(port), channel_(std::move(channel)) {
    thread_ = std::thread([this] { io_.run(); });
  }
  ~watchers() {
    asio::post(io_, [this] {
      for (auto& w : all_) {
        beast::error_code ec;
        beast::get_lowest_layer(w->ws).socket().close(ec);
      }
      work_.reset();
    });
    thread_.join();
  }
  watchers(const watchers&) = delete;
  watchers& operator=(const watchers&) = delete;

  // Opens `n` sockets, at most `in_parallel` of them connecting at a time.
  void open(int n, int in_parallel) {
    asio::post(io_, [this, n, in_parallel] {
      to_open_ = n;
      for (int i = 0; i < in_parallel; ++i)
        open_next();
    });
  }
  void expect_total(std::int64_t total) { expected_total_ = total; }

  std::atomic<int> joined{0};
  std::atomic<int> failed{0};
  std::atomic<int> saw_final{0};

 private:
  struct socket : std::enable_shared_from_this<socket> {
    explicit socket(watchers& owner) : owner(owner), ws(owner.io_) {}
    watchers& owner;
    websocket::stream<beast::tcp_stream> ws;
    beast::flat_buffer buffer;
    std::string join_frame;
    bool final_seen = false;

    void start() {
      beast::get_lowest_layer(ws).async_connect(
        node_endpoint(owner.port_), [self = shared_from_this()](beast::error_code ec) {
          if (ec)
            return self->fail();
          self->ws.async_handshake(
            "127.0.0.1:" + std::to_string(self->owner.port_), "/ws", [self](beast::error_code ec) {
              if (ec)
                return self->fail();
              self->join_frame = json{{"type", "join"}, {"channel", self->owner.channel_}}.dump();
              self->ws.async_write(asio::buffer(self->join_frame),
                                   [self](beast::error_code ec, std::size_t) {
                                     if (ec)
                                       return self->fail();
                                     self->read();
                                   });
            });
        });
    }
    void fail() {
      ++owner.failed;
      owner.open_next();
    }
    void read() {
      ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec)
          return;
        auto frame = json::parse(beast::buffers_to_string(self->buffer.data()), nullptr, false);
        self->buffer.clear();
        if (frame.is_array())
          for (auto& f : frame)
            self->on_frame(f);
        else
          self->on_frame(frame);
        self->read();
      });
    }
    void on_frame(const json& f) {
      auto type = f.value("type", "");
      if (type == "joined") {
        ++owner.joined;
        owner.open_next();
      } else if (type == "poll" && !final_seen && f["poll"].value("state", "") == "ended" &&
                 f["poll"].value("total_votes", std::int64_t{-1}) == owner.expected_total_) {
        final_seen = true;
        ++owner.saw_final;
      }
    }
  };

  void open_next() {
    if (to_open_ == 0)
      return;
    --to_open_;
    auto s = std::make_shared<socket>(*this);
    all_.push_back(s);
    s->start();
  }

  unsigned short port_;
  std::string channel_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::vector<std::shared_ptr<socket>> all_;
  int to_open_ = 0;
  std::atomic<std::int64_t> expected_total_{-1};
  std::thread thread_;
};

}  // namespace

TEST_CASE("5,000 viewers vote in one poll within 10 s: exact counts, everyone sees the result") {
  test_node node{"poll_load",
                 {"--minimum-password-cost", "--signups-per-address", "0",
                  "--http-max-connections-per-address", "0"}};
  auto streamer = api_ok(node, "POST", "auth/signup", {},
                         {{"username", "streamer"}, {"password", "streamer-password-1"}})["token"]
                    .get<std::string>();
  api_ok(node, "POST", "channels", streamer, {{"name", "streamer"}});

  // Every viewer's socket joins the room while the accounts are made.
  watchers sockets{node.http_port, "streamer"};
  sockets.open(viewers, 100);
  std::vector<std::string> tokens(viewers);
  std::atomic<int> refused{0};
  auto signup_start = std::chrono::steady_clock::now();
  // Sign-ups queue for the node's password hashers (503 beyond its queue): few connections.
  int broken = over_connections(node.http_port, viewers, 16, [&](rest_connection& c, int i) {
    json body{{"username", "viewer" + std::to_string(i)}, {"password", "poll-load-password-1"}};
    for (int attempt = 0; attempt < 20; ++attempt) {
      auto [status, answer] = c.call(http::verb::post, "auth/signup", "", body);
      if (status == 201 || status == 200) {
        tokens[i] = answer.value("token", "");
        return;
      }
      if (status != 503)
        break;
      std::this_thread::sleep_for(20ms);
    }
    ++refused;
  });
  MESSAGE("5,000 sign-ups took " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now() - signup_start)
                                      .count()
                                 << " ms");
  REQUIRE(broken == 0);
  REQUIRE(refused == 0);
  REQUIRE_MESSAGE(eventually([&] { return sockets.joined + sockets.failed == viewers; }, 20s),
                  "joined " << sockets.joined << ", failed " << sockets.failed);
  REQUIRE(sockets.failed == 0);

  auto poll = api_ok(node, "POST", "channels/streamer/polls", streamer,
                     {{"title", "Which map next?"},
                      {"choices", {"Dust", "Nuke", "Inferno", "Mirage"}},
                      {"duration_s", 300}});
  REQUIRE(poll["state"] == "active");
  sockets.expect_total(viewers);

  std::atomic<int> counted{0};
  std::atomic<int> wrong{0};
  auto vote_start = std::chrono::steady_clock::now();
  broken = over_connections(node.http_port, viewers, 64, [&](rest_connection& c, int i) {
    auto [status, answer] = c.call(http::verb::post, "channels/streamer/polls/current/vote",
                                   tokens[i], {{"choice", i % choices}});
    if (status == 200 && answer["my_votes"] == json{{"choice", i % choices}, {"votes", 1}})
      ++counted;
    else
      ++wrong;
  });
  auto vote_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - vote_start)
                   .count();
  MESSAGE("5,000 votes took " << vote_ms << " ms");
  CHECK(broken == 0);
  CHECK(wrong == 0);
  CHECK(counted == viewers);
  CHECK(vote_ms < 10'000);

  auto current = api_ok(node, "GET", "channels/streamer/polls/current", tokens[7]);
  CHECK(current["total_votes"] == viewers);
  CHECK(current["voters"] == viewers);
  for (int c = 0; c < choices; ++c)
    CHECK(current["choices"][c]["votes"] == viewers / choices);
  CHECK(current["my_votes"] == json{{"choice", 7 % choices}, {"votes", 1}});
  CHECK(api_step(node, "POST", "channels/streamer/polls/current/vote", tokens[7], {{"choice", 0}})
          .status == 409);

  auto ended = api_ok(node, "POST", "channels/streamer/polls/current/end", streamer);
  CHECK(ended["state"] == "ended");
  CHECK(ended["total_votes"] == viewers);
  CHECK_MESSAGE(eventually([&] { return sockets.saw_final == viewers; }, 15s),
                "final frame on " << sockets.saw_final << " of " << viewers << " sockets");
}

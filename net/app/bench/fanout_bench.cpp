// Go-live fan-out benchmark (scripts/bench/fanout runs it around a real node):
//
//   fanout_bench seed --data DIR --followers N --sessions M --channel C --tokens FILE
//     writes, into a node's stopped event store, N follows of channel C (users fan0..fanN-1)
//     and signed-in sessions for the first M of them (their bearer tokens go to FILE), the way
//     the node's own entities would have written them.
//   fanout_bench watch --port P --tokens FILE --online K --sample S [--timeout-s T]
//     opens K WebSocket page connections (tokens 0..K-1) subscribed to notifications, prints
//     "ready", waits for the go-live notification on every one, then polls the inbox of S
//     other followers (tokens K..K+S-1) over REST until each lists it. Prints the delays from
//     the notice's time (the channel.went_live event) as JSON.
//   fanout_bench peer --followers N
//     the same-run peer: fan-out on write, one inbox row per follower in one SQLite
//     transaction (what a per-follower inbox table costs for one go-live).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "runtime/clock.hpp"
#include "runtime/secrets.hpp"
#include "storage/event_store.hpp"
#include "storage/sqlite_db.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

std::map<std::string, std::string> options(int argc, char** argv) {
  std::map<std::string, std::string> out;
  for (int i = 2; i + 1 < argc; i += 2)
    out[argv[i]] = argv[i + 1];
  return out;
}

std::size_t number(const std::map<std::string, std::string>& o, const std::string& key,
                   std::size_t fallback) {
  auto it = o.find(key);
  return it == o.end() ? fallback : std::stoul(it->second);
}

std::int64_t now_ms() { return aethex::runtime::system_clock().now_ms(); }

int seed(const std::map<std::string, std::string>& o) {
  auto followers = number(o, "--followers", 100'000);
  auto sessions = number(o, "--sessions", 11'000);
  auto channel = o.at("--channel");
  auto store = aethex::storage::event_store::open(std::filesystem::path{o.at("--data")} / "events",
                                                  {.sync = false});
  auto at = now_ms();
  auto follow = json{{"channel", channel}}.dump();
  for (std::size_t i = 0; i < followers; ++i)
    if (!store->append("follows/fan" + std::to_string(i), aethex::storage::no_stream,
                       std::vector{aethex::storage::event{"follow.started", 1, at, follow}}))
      return std::fprintf(stderr, "seed: append failed\n"), 1;
  std::ofstream tokens{o.at("--tokens")};
  for (std::size_t i = 0; i < sessions && i < followers; ++i) {
    auto token = aethex::runtime::random_hex(32);  // what the node issues: 64 hex characters
    auto created =
      json{{"user", "fan" + std::to_string(i)}, {"expires_at_ms", at + 24LL * 3600 * 1000}}.dump();
    if (!store->append("session/" + aethex::runtime::token_digest(token),
                       aethex::storage::no_stream,
                       std::vector{aethex::storage::event{"session.created", 1, at, created}}))
      return std::fprintf(stderr, "seed: append failed\n"), 1;
    tokens << token << "\n";
  }
  std::printf("seeded %zu follows of %s and %zu sessions in %.1f s\n", followers, channel.c_str(),
              std::min(sessions, followers), static_cast<double>(now_ms() - at) / 1000);
  return 0;
}

// One page connection: auth, subscribe, then the first notification's arrival time.
struct page : std::enable_shared_from_this<page> {
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buffer;
  std::string token;
  std::string out;
  bool subscribed = false;
  std::int64_t notified_ms = 0;
  std::int64_t notice_at_ms = 0;
  std::atomic<std::size_t>* ready;
  std::atomic<std::size_t>* done;

  page(asio::io_context& io, std::string t, std::atomic<std::size_t>* r,
       std::atomic<std::size_t>* d)
      : ws(io), token(std::move(t)), ready(r), done(d) {}

  void start(const tcp::endpoint& at) {
    beast::get_lowest_layer(ws).async_connect(at, [self = shared_from_this()](auto ec) {
      if (ec)
        return;
      self->ws.async_handshake("127.0.0.1", "/ws", [self](auto ec) {
        if (ec)
          return;
        self->send(json{{"type", "auth"}, {"token", self->token}});
        self->read();
      });
    });
  }
  void send(const json& frame) {
    out = frame.dump();
    ws.async_write(asio::buffer(out), [self = shared_from_this()](auto, auto) {});
  }
  void on_frame(const json& f) {
    auto type = f.value("type", "");
    if (type == "auth_ok") {
      send(json{{"type", "subscribe"}, {"topics", {"notifications"}}});
    } else if (type == "subscribed" && !subscribed) {
      subscribed = true;
      ++*ready;
    } else if (type == "notification" && notified_ms == 0) {
      notified_ms = now_ms();
      notice_at_ms = f["notification"].value("at_ms", std::int64_t{0});
      ++*done;
    }
  }
  void read() {
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec)
        return;
      auto j = json::parse(beast::buffers_to_string(self->buffer.data()), nullptr, false);
      self->buffer.consume(self->buffer.size());
      if (j.is_array())
        for (auto& f : j)
          self->on_frame(f);
      else if (j.is_object())
        self->on_frame(j);
      self->read();
    });
  }
};

// GET /api/v1/me/notifications for `token`: whether it lists a notice of `channel`.
bool inbox_has(const tcp::endpoint& at, const std::string& token, const std::string& channel) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  stream.connect(at, ec);
  if (ec)
    return false;
  beast::http::request<beast::http::empty_body> req{beast::http::verb::get,
                                                    "/api/v1/me/notifications?limit=5", 11};
  req.set(beast::http::field::host, "127.0.0.1");
  req.set(beast::http::field::authorization, "Bearer " + token);
  beast::http::write(stream, req, ec);
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> res;
  beast::http::read(stream, buffer, res, ec);
  if (ec || res.result_int() != 200)
    return false;
  auto body = json::parse(res.body(), nullptr, false);
  for (auto& n : body.value("notifications", json::array()))
    if (n.value("channel", "") == channel)
      return true;
  return false;
}

double percentile(std::vector<std::int64_t> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))]);
}

int watch(const std::map<std::string, std::string>& o) {
  auto online = number(o, "--online", 10'000);
  auto sample = number(o, "--sample", 1000);
  auto timeout = std::chrono::seconds(number(o, "--timeout-s", 120));
  auto channel = o.count("--channel") ? o.at("--channel") : std::string{"star"};
  tcp::endpoint at{asio::ip::make_address("127.0.0.1"),
                   static_cast<unsigned short>(number(o, "--port", 0))};
  std::vector<std::string> tokens;
  std::ifstream in{o.at("--tokens")};
  for (std::string line; std::getline(in, line);)
    tokens.push_back(line);
  if (tokens.size() < online + sample)
    return std::fprintf(stderr, "watch: need %zu tokens\n", online + sample), 1;

  asio::io_context io;
  std::atomic<std::size_t> ready{0}, done{0};
  std::vector<std::shared_ptr<page>> pages;
  for (std::size_t i = 0; i < online; ++i) {
    pages.push_back(std::make_shared<page>(io, tokens[i], &ready, &done));
    pages.back()->start(at);
  }
  std::thread runner{[&io] { io.run(); }};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (ready < online && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::printf("ready %zu/%zu\n", ready.load(), online);
  std::fflush(stdout);
  // The inboxes of followers with no page open: polled until each lists the notice.
  std::vector<std::int64_t> inbox_ms;
  std::int64_t notice_at = 0;
  while (done == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (std::size_t i = online; i < online + sample && std::chrono::steady_clock::now() < deadline;
       ++i) {
    while (!inbox_has(at, tokens[i], channel) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    inbox_ms.push_back(now_ms());
  }
  while (done < ready && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  io.stop();
  runner.join();
  std::vector<std::int64_t> pushed;
  for (auto& p : pages)
    if (p->notified_ms > 0) {
      notice_at = p->notice_at_ms;
      pushed.push_back(p->notified_ms - p->notice_at_ms);
    }
  std::vector<std::int64_t> inbox;
  inbox.reserve(inbox_ms.size());
  for (auto t : inbox_ms)
    inbox.push_back(t - notice_at);
  json result{{"online", online},
              {"subscribed", ready.load()},
              {"pushed", pushed.size()},
              {"push_p50_ms", percentile(pushed, 0.5)},
              {"push_p99_ms", percentile(pushed, 0.99)},
              {"push_last_ms", percentile(pushed, 1.0)},
              {"inboxes_checked", inbox.size()},
              {"inbox_last_ms", percentile(inbox, 1.0)}};
  std::printf("%s\n", result.dump().c_str());
  return pushed.size() == online && inbox.size() == sample ? 0 : 1;
}

int peer(const std::map<std::string, std::string>& o) {
  auto followers = number(o, "--followers", 100'000);
  auto path = std::filesystem::temp_directory_path() /
              ("aethex-fanout-peer-" + std::to_string(::getpid()) + ".db");
  {
    aethex::storage::sqlite::database db{path};
    db.exec(
      "CREATE TABLE inbox(user TEXT NOT NULL, id TEXT NOT NULL, at_ms INTEGER NOT NULL, "
      "PRIMARY KEY(user, id))");
    auto started = std::chrono::steady_clock::now();
    db.exec("BEGIN");
    auto insert = db.prepare("INSERT INTO inbox(user, id, at_ms) VALUES(?1, 'live:star:1', ?2)");
    for (std::size_t i = 0; i < followers; ++i) {
      insert.reset();
      insert.bind(1, "fan" + std::to_string(i)).bind(2, now_ms()).run();
    }
    db.exec("COMMIT");
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
    std::printf("%s\n",
                json{{"peer_fanout_on_write_ms", ms.count()}, {"rows", followers}}.dump().c_str());
  }
  std::filesystem::remove(path);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2)
    return std::fprintf(stderr, "usage: fanout_bench seed|watch|peer --option value ...\n"), 2;
  std::string mode = argv[1];
  auto o = options(argc, argv);
  try {
    if (mode == "seed")
      return seed(o);
    if (mode == "watch")
      return watch(o);
    if (mode == "peer")
      return peer(o);
  } catch (const std::exception& e) {
    return std::fprintf(stderr, "fanout_bench: %s\n", e.what()), 1;
  }
  return std::fprintf(stderr, "unknown mode %s\n", mode.c_str()), 2;
}

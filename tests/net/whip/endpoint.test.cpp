// The WHIP endpoint behind the real HTTP server on loopback. The ingest handler and the WebRTC
// receiver are small recording stand-ins here (the real ones need the actor system and a
// browser: tests/e2e/browser_whip.test.cpp publishes from Chromium through them).
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "net/http/server.hpp"
#include "net/whip/endpoint.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using namespace aethex::net;
using namespace std::chrono_literals;

const std::string offer =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
const std::string answer_sdp = "v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=answer\r\n";

struct reply {
  unsigned status = 0;
  std::map<std::string, std::string> fields;
  std::string body;
};

reply call(unsigned short port, bhttp::verb method, const std::string& target,
           std::map<std::string, std::string> fields = {}, std::string body = {}) {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  bhttp::request<bhttp::string_body> req{method, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (auto& [k, v] : fields)
    req.set(k, v);
  req.body() = std::move(body);
  req.prepare_payload();
  bhttp::write(socket, req);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(socket, buffer, res);
  reply r{res.result_int(), {}, res.body()};
  for (auto& f : res)
    r.fields[std::string{f.name_string()}] = std::string{f.value()};
  return r;
}

struct sink_record : ingest::ingest_sink {
  std::mutex mu;
  std::condition_variable cv;
  std::size_t bytes = 0;
  std::string closed;
  void write(std::span<const std::byte> b) override {
    std::lock_guard lock{mu};
    bytes += b.size();
    cv.notify_all();
  }
  void close(std::string reason) override {
    std::lock_guard lock{mu};
    closed = reason.empty() ? "(empty)" : reason;
    cv.notify_all();
  }
  bool wait_closed() {
    std::unique_lock lock{mu};
    return cv.wait_for(lock, 5s, [&] { return !closed.empty(); });
  }
  bool wait_bytes() {
    std::unique_lock lock{mu};
    return cv.wait_for(lock, 5s, [&] { return bytes > 0; });
  }
};

// Accepts live_gina_good; live_gina_busy is a channel already live; other keys are wrong.
struct handler_record : ingest::ingest_handler {
  std::mutex mu;
  std::vector<std::shared_ptr<sink_record>> sinks;
  std::vector<std::function<void(std::string)>> disconnects;
  std::vector<std::thread> answerers;
  void open(ingest::publish_request req, std::function<void(ingest::open_result)> done) override {
    std::lock_guard lock{mu};
    ingest::open_result r;
    if (req.stream_key == "live_gina_good") {
      sinks.push_back(std::make_shared<sink_record>());
      r.sink = sinks.back();
      disconnects.push_back(req.disconnect);
    } else if (req.stream_key == "live_gina_busy") {
      r.reject_reason = "channel is already live from another publisher";
    } else {
      r.reject_reason = "invalid stream key";
    }
    CHECK(req.protocol == "whip");
    CHECK(req.format == ingest::container::flv);
    answerers.emplace_back([done = std::move(done), r = std::move(r)] { done(r); });
  }
  std::shared_ptr<sink_record> sink(std::size_t i) {
    std::lock_guard lock{mu};
    return i < sinks.size() ? sinks[i] : nullptr;
  }
  ~handler_record() override {
    for (auto& t : answerers)
      t.join();
  }
};

// How the stand-in receiver behaves; counts receivers alive.
struct peer_script {
  std::atomic<int> alive{0};
  std::atomic<int> started{0};
  std::atomic<bool> fail_answer{false};
  std::atomic<bool> quiet{false};  // idle() reports a silent browser
  std::mutex mu;
  std::vector<whip::peer_callbacks> callbacks;  // to end a receiver from "GStreamer"
  std::string last_layout;
};

class test_peer final : public whip::peer {
 public:
  test_peer(peer_script& script, whip::peer_callbacks cb) : script_(script) {
    ++script_.alive;
    thread_ = std::thread{[this, cb] {
      if (script_.fail_answer)
        return cb.answered({}, "no codec in common");
      std::array<std::byte, 13> flv_header{};
      cb.media(flv_header);
      cb.answered(answer_sdp, {});
    }};
  }
  ~test_peer() override {
    thread_.join();
    --script_.alive;
  }
  std::chrono::milliseconds idle() const override { return script_.quiet ? 1h : 0ms; }

 private:
  peer_script& script_;
  std::thread thread_;
};

struct fixture {
  handler_record handler;
  peer_script script;
  asio::io_context io;
  std::optional<whip::endpoint> endpoint;
  std::optional<http::server> server;
  std::thread runner;

  explicit fixture(whip::endpoint_options options = {}) {
    options.watchdog_period = 20ms;
    whip::peer_factory factory;
    factory.offer_error = [](std::string_view sdp) {
      return sdp.find("a=refuse") == std::string_view::npos ? "" : "refused by the receiver";
    };
    factory.start = [this](std::string_view, const std::string& layout, whip::peer_callbacks cb) {
      {
        std::lock_guard lock{script.mu};
        script.last_layout = layout;
        script.callbacks.push_back(cb);
      }
      ++script.started;
      return std::make_unique<test_peer>(script, std::move(cb));
    };
    endpoint.emplace(io, handler, std::move(factory), options);
    server.emplace(io, asio::ip::tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0},
                   [this](http::request&& req, std::string peer, http::respond_fn respond) {
                     std::string_view target = req.target();
                     auto q = target.find('?');
                     auto path = target.substr(0, q);
                     auto query = q == std::string_view::npos ? std::string_view{}
                                                              : target.substr(q + 1);
                     if (!endpoint->handle(req, path, query, peer, respond))
                       respond(http::error_response(404, "not_found", "not WHIP"));
                   });
    runner = std::thread{[this] { io.run(); }};
  }
  ~fixture() {
    asio::post(io, [this] {
      endpoint->stop();
      server->stop();
    });
    runner.join();
  }
  unsigned short port() const { return server->port(); }
  reply publish(const std::string& key, const std::string& body = offer,
                const std::string& target = "/whip/gina") {
    return call(port(), bhttp::verb::post, target,
                {{"Authorization", "Bearer " + key}, {"Content-Type", "application/sdp"}}, body);
  }
  bool wait_sessions(std::size_t n) {
    for (int i = 0; i < 250; ++i) {
      if (endpoint->sessions() == n && script.alive == static_cast<int>(n))
        return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
};

bool is_json_error(reply r, const std::string& code) {
  return r.fields["Content-Type"] == "application/json" &&
         r.body.find("\"code\":\"" + code + "\"") != std::string::npos;
}

}  // namespace

TEST_CASE("OPTIONS answers CORS; other methods than POST and DELETE get 405, PATCH too") {
  fixture f;
  auto options = call(f.port(), bhttp::verb::options, "/whip/gina");
  CHECK(options.status == 204);
  CHECK(options.fields["Access-Control-Allow-Origin"] == "*");
  CHECK(options.fields["Access-Control-Allow-Methods"].find("POST") != std::string::npos);
  CHECK(options.fields["Access-Control-Allow-Headers"].find("Authorization") != std::string::npos);
  CHECK(options.fields["Access-Control-Expose-Headers"].find("Location") != std::string::npos);
  CHECK(options.fields["Accept-Post"] == "application/sdp");
  for (auto verb : {bhttp::verb::get, bhttp::verb::put}) {
    auto r = call(f.port(), verb, "/whip/gina");
    CHECK(r.status == 405);
    CHECK(is_json_error(r, "method_not_allowed"));
  }
  auto patch = call(f.port(), bhttp::verb::patch, "/whip/gina/abc",
                    {{"Content-Type", "application/trickle-ice-sdpfrag"}}, "a=candidate:1");
  CHECK(patch.status == 405);
  CHECK(patch.fields["Allow"] == "DELETE, OPTIONS");
  CHECK(call(f.port(), bhttp::verb::post, "/whip/../x").status == 404);
  CHECK(call(f.port(), bhttp::verb::post, "/whip/a/b/c").status == 404);
  CHECK(call(f.port(), bhttp::verb::get, "/other").status == 404);
}

TEST_CASE("bad requests are refused before any key check or receiver") {
  fixture f;
  auto json = call(
    f.port(), bhttp::verb::post, "/whip/gina",
    {{"Authorization", "Bearer live_gina_good"}, {"Content-Type", "application/json"}}, "{}");
  CHECK(json.status == 415);
  CHECK(is_json_error(json, "unsupported_media_type"));
  auto none = call(f.port(), bhttp::verb::post, "/whip/gina", {{"Content-Type", "application/sdp"}},
                   offer);
  CHECK(none.status == 401);
  CHECK(none.fields["WWW-Authenticate"] == "Bearer");
  CHECK(is_json_error(none, "unauthorized"));
  CHECK(f.publish("live_other_good").status == 401);  // a key of another channel
  CHECK(f.publish("live_gina_good", std::string(64 * 1024 + 1, 'v')).status == 413);
  auto garbage = f.publish("live_gina_good", "hello");
  CHECK(garbage.status == 400);
  CHECK(is_json_error(garbage, "bad_offer"));
  CHECK(f.publish("live_gina_good", "").status == 400);
  CHECK(f.publish("live_gina_good", offer + "a=refuse\r\n").status == 400);
  auto layout = f.publish("live_gina_good", offer, "/whip/gina?layout=mosaic");
  CHECK(layout.status == 400);
  CHECK(is_json_error(layout, "bad_layout"));
  CHECK(f.handler.sink(0) == nullptr);
  CHECK(f.script.started == 0);
}

TEST_CASE("a wrong key is 401 and a channel already live is 409, with no receiver started") {
  fixture f;
  auto wrong = f.publish("live_gina_wrong");
  CHECK(wrong.status == 401);
  CHECK(is_json_error(wrong, "unauthorized"));
  CHECK(wrong.body.find("live_gina_wrong") == std::string::npos);
  auto busy = f.publish("live_gina_busy");
  CHECK(busy.status == 409);
  CHECK(is_json_error(busy, "channel_live"));
  CHECK(f.script.started == 0);
  CHECK(f.endpoint->sessions() == 0);
}

TEST_CASE("an accepted offer is answered with 201 and a Location; DELETE there ends it") {
  fixture f;
  auto created = f.publish("live_gina_good", offer, "/whip/gina?layout=screen%2Bcamera");
  REQUIRE(created.status == 201);
  CHECK(created.fields["Content-Type"] == "application/sdp");
  CHECK(created.body == answer_sdp);
  CHECK(created.fields["Access-Control-Allow-Origin"] == "*");
  auto location = created.fields["Location"];
  REQUIRE(location.rfind("/whip/gina/", 0) == 0);
  CHECK(f.script.last_layout == "screen+camera");
  auto sink = f.handler.sink(0);
  REQUIRE(sink);
  CHECK(sink->wait_bytes());
  CHECK(f.endpoint->sessions() == 1);

  CHECK(call(f.port(), bhttp::verb::delete_, location).status == 401);
  CHECK(call(f.port(), bhttp::verb::delete_, location,
             {{"Authorization", "Bearer live_gina_other"}})
          .status == 401);
  CHECK(call(f.port(), bhttp::verb::delete_, "/whip/gina/feedbeef",
             {{"Authorization", "Bearer live_gina_good"}})
          .status == 404);
  CHECK(sink->closed.empty());
  auto ended = call(f.port(), bhttp::verb::delete_, location,
                    {{"Authorization", "Bearer live_gina_good"}});
  CHECK(ended.status == 200);
  CHECK(sink->wait_closed());
  CHECK(f.wait_sessions(0));
  CHECK(call(f.port(), bhttp::verb::delete_, location, {{"Authorization", "Bearer live_gina_good"}})
          .status == 404);
}

TEST_CASE("a receiver that cannot answer is a 400 and closes the stream") {
  fixture f;
  f.script.fail_answer = true;
  auto r = f.publish("live_gina_good");
  CHECK(r.status == 400);
  CHECK(is_json_error(r, "bad_offer"));
  auto sink = f.handler.sink(0);
  REQUIRE(sink);
  CHECK(sink->wait_closed());
  CHECK(f.wait_sessions(0));
}

TEST_CASE("sessions end on ICE failure, on silence, and when the channel's owner ends them") {
  whip::endpoint_options options;
  options.media_timeout = 200ms;
  fixture f{options};
  REQUIRE(f.publish("live_gina_good").status == 201);
  {  // the receiver reports a failure from one of its threads
    std::lock_guard lock{f.script.mu};
    f.script.callbacks.back().ended("ICE failed");
  }
  REQUIRE(f.handler.sink(0));
  CHECK(f.handler.sink(0)->wait_closed());
  CHECK(f.handler.sink(0)->closed == "ICE failed");
  CHECK(f.wait_sessions(0));

  REQUIRE(f.publish("live_gina_good").status == 201);
  REQUIRE(f.handler.sink(1));
  f.handler.disconnects.back()("the channel owner ended the stream");
  CHECK(f.handler.sink(1)->wait_closed());
  CHECK(f.wait_sessions(0));

  f.script.quiet = true;
  REQUIRE(f.publish("live_gina_good").status == 201);
  REQUIRE(f.handler.sink(2));
  CHECK(f.handler.sink(2)->wait_closed());
  CHECK(f.handler.sink(2)->closed.find("no media") != std::string::npos);
  CHECK(f.wait_sessions(0));
}

TEST_CASE("sessions are capped") {
  whip::endpoint_options options;
  options.max_sessions = 1;
  fixture f{options};
  REQUIRE(f.publish("live_gina_good").status == 201);
  auto second = f.publish("live_gina_good");
  CHECK(second.status == 503);
  CHECK(is_json_error(second, "unavailable"));
}

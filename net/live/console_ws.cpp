#include "net/live/console_ws.hpp"

#include <charconv>
#include <deque>
#include <memory>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/console/console_service.hpp"
#include "runtime/errors.hpp"

namespace aethex::live {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr auto console_timeout = std::chrono::seconds(30);
constexpr auto poll_interval = 250ms;
constexpr std::size_t page = 200;
constexpr std::size_t max_queued = 2000;  // a reader this far behind stops getting polled

// Follows one stream: polls the console service for events after `next_` and writes each one as a
// text frame. Everything runs on the connection's strand; replies from CAF threads are posted back.
class tail_session : public std::enable_shared_from_this<tail_session> {
 public:
  tail_session(beast::tcp_stream&& stream, const live_context& ctx, std::string target,
               std::uint64_t from)
      : ws_(std::move(stream)), timer_(ws_.get_executor()), ctx_(ctx), target_(std::move(target)),
        next_(from) {}

  void start(net::http::request req) {
    req_ = std::move(req);  // kept until the handshake completes
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept(req_, [self = shared_from_this()](beast::error_code ec) {
      if (ec)
        return;
      self->read();
      self->poll();
    });
  }

 private:
  // Reading notices the client closing (Ctrl-C in the console); frames it sends are ignored.
  void read() {
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      if (ec)
        return self->stop();
      self->in_.consume(n);
      self->read();
    });
  }

  void poll() {
    if (closed_)
      return;
    if (queue_.size() > max_queued)
      return schedule();
    std::vector<std::string> words{
      "events", target_, "--from", std::to_string(next_), "--limit", std::to_string(page)};
    ask_console(*ctx_.sys, ctx_.services->find(actors::service_names::console), std::move(words),
                [self = shared_from_this()](caf::expected<std::string> result) {
                  asio::post(self->ws_.get_executor(),
                             [self, result = std::move(result)] { self->on_events(result); });
                });
  }

  void on_events(const caf::expected<std::string>& result) {
    if (closed_)
      return;
    if (!result)
      return close_with(message_of(result.error()));
    auto body = json::parse(*result, nullptr, false);
    if (body.is_discarded() || !body.contains("events"))
      return close_with("internal error");
    for (auto& ev : body["events"]) {
      ev["stream"] = target_;
      next_ = ev.value("seq", next_) + 1;
      queue_.push_back(ev.dump());
    }
    write_next();
    if (body["events"].size() == page)
      return poll();  // more are waiting
    schedule();
  }

  void schedule() {
    timer_.expires_after(poll_interval);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec)
        self->poll();
    });
  }

  void write_next() {
    if (writing_ || queue_.empty() || closed_)
      return;
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->writing_ = false;
                      if (ec)
                        return self->stop();
                      self->queue_.pop_front();
                      self->write_next();
                    });
  }

  void close_with(std::string reason) {
    closed_ = true;
    timer_.cancel();
    if (reason.size() > 120)  // a close frame carries at most 123 bytes of reason
      reason.resize(120);
    ws_.async_close(websocket::close_reason{websocket::close_code::policy_error, reason},
                    [self = shared_from_this()](beast::error_code) {});
  }

  void stop() {
    closed_ = true;
    timer_.cancel();
  }

  websocket::stream<beast::tcp_stream> ws_;
  net::http::request req_;
  asio::steady_timer timer_;
  live_context ctx_;
  std::string target_;
  std::uint64_t next_;
  beast::flat_buffer in_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool closed_ = false;
};

void refuse(beast::tcp_stream& stream, unsigned status, std::string_view code,
            std::string_view message) {
  auto res = net::http::error_response(status, code, message);
  res.prepare_payload();
  beast::error_code ec;
  bhttp::write(stream, res, ec);
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
}

}  // namespace

void ask_console(caf::actor_system& sys, const caf::actor& console, std::vector<std::string> words,
                 std::function<void(caf::expected<std::string>)> done) {
  sys.spawn([console, words = std::move(words),
             done = std::move(done)](caf::event_based_actor* self) mutable {
    self->request(console, console_timeout, actors::console_atom::value, std::move(words))
      .then([done](std::string& text) { done(std::move(text)); },
            [done](caf::error& err) { done(std::move(err)); });
  });
}

ws_module make_console_ws(const live_context& ctx) {
  return [ctx](std::string_view path, beast::tcp_stream& stream, net::http::request& req,
               const std::string&) {
    if (path != "/ws/admin")
      return false;
    if (!is_admin(ctx, req)) {
      refuse(stream, 401, "unauthorized", "a valid admin token is required");
      return true;
    }
    std::string_view target = req.target();
    auto question = target.find('?');
    auto query = question == std::string_view::npos ? std::string_view{}
                                                    : target.substr(question + 1);
    auto tail = query_param(query, "tail");
    auto from_text = query_param(query, "from").value_or("1");
    std::uint64_t from = 0;
    auto [end, ec] = std::from_chars(from_text.data(), from_text.data() + from_text.size(), from);
    if (!tail || tail->empty() || ec != std::errc{} || end != from_text.data() + from_text.size() ||
        from == 0 || !ctx.services->find(actors::service_names::console)) {
      refuse(stream, 400, "invalid_argument",
             "expected /ws/admin?tail=KIND/ID&from=SEQ (SEQ >= 1)");
      return true;
    }
    std::make_shared<tail_session>(std::move(stream), ctx, std::move(*tail), from)
      ->start(std::move(req));
    return true;
  };
}

}  // namespace aethex::live

#include "net/console/remote.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "net/app/http_client.hpp"

namespace aethex::console {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace std::chrono_literals;

command_result failure(command_result::outcome status, std::string code, std::string message) {
  command_result r;
  r.status = status;
  r.error_code = std::move(code);
  r.message = std::move(message);
  return r;
}

command_result from_http(const app::http_result& res, const std::string& host_port) {
  if (res.status == 0)
    return failure(command_result::outcome::unreachable, "unreachable", res.error);
  auto body = json::parse(res.body, nullptr, false);
  if (res.status == 200 && !body.is_discarded() && body.value("ok", false)) {
    command_result r;
    r.result = body["result"];
    return r;
  }
  std::string code = "http_" + std::to_string(res.status);
  std::string message = "HTTP " + std::to_string(res.status) + " from " + host_port;
  if (!body.is_discarded() && body.contains("error") && body["error"].is_object()) {
    code = body["error"].value("code", code);
    message = body["error"].value("message", message);
  }
  if (res.status == 401)
    return failure(command_result::outcome::unauthorized, code,
                   "the node refused the admin token (" + message + ")");
  if (res.status == 404 && code == "not_found" && message == "no such API endpoint")
    message = "this node has no admin console endpoint (is it an older version?)";
  return failure(command_result::outcome::failed, code, message);
}

}  // namespace

remote_backend::remote_backend(std::string host_port, std::string token)
    : host_port_(std::move(host_port)), token_(std::move(token)) {}

command_result remote_backend::run(const std::vector<std::string>& words) {
  auto body = json{{"argv", words}}.dump();
  return from_http(app::http_call_retrying_moved(host_port_, "POST", "/api/v1/admin/console", body,
                                                 token_),
                   host_port_);
}

command_result remote_backend::tail(const tail_request& req, const std::atomic<bool>& stop,
                                    const std::function<void(const json&)>& on_event) {
  // Stored events first (--last), which also tells where following starts.
  auto last = std::to_string(req.last.value_or(0));
  auto head = run({"events", req.target, "--last", last});
  std::uint64_t from = 1;
  std::uint64_t seen = 0;
  auto done = [&] { return req.count && seen >= *req.count; };
  if (head.ok()) {
    for (auto& ev : head.result["events"]) {
      if (done())
        return {};
      ev["stream"] = req.target;
      on_event(ev);
      ++seen;
    }
    from = head.result.value("version", 0ULL) + 1;
  } else if (head.error_code != "not_found") {
    return head;  // unknown kind, bad token, unreachable node …
  }
  if (done())
    return {};

  auto colon = host_port_.rfind(':');
  if (colon == std::string::npos)
    return failure(command_result::outcome::unreachable, "unreachable",
                   "expected HOST:PORT, got '" + host_port_ + "'");
  auto deadline = req.duration ? std::chrono::steady_clock::now() + *req.duration
                               : std::chrono::steady_clock::time_point::max();
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  try {
    asio::ip::tcp::resolver resolver{io};
    beast::get_lowest_layer(ws).expires_after(10s);
    beast::get_lowest_layer(ws).connect(resolver.resolve(host_port_.substr(0, colon),
                                                         host_port_.substr(colon + 1)));
    beast::get_lowest_layer(ws).expires_never();
    ws.set_option(websocket::stream_base::decorator([token = token_](websocket::request_type& r) {
      r.set(beast::http::field::authorization, "Bearer " + token);
    }));
    websocket::response_type res;
    beast::error_code ec;
    ws.handshake(res, host_port_, "/ws/admin?tail=" + req.target + "&from=" + std::to_string(from),
                 ec);
    if (ec) {
      if (res.result_int() == 401)
        return failure(command_result::outcome::unauthorized, "unauthorized",
                       "the node refused the admin token");
      if (res.result_int() != 0)
        return failure(command_result::outcome::failed, "http_" + std::to_string(res.result_int()),
                       "tail refused: HTTP " + std::to_string(res.result_int()) + " " + res.body());
      return failure(command_result::outcome::unreachable, "unreachable",
                     "cannot follow " + req.target + " on " + host_port_ + ": " + ec.message());
    }
  } catch (const std::exception& e) {
    return failure(command_result::outcome::unreachable, "unreachable",
                   "cannot reach node at " + host_port_ + ": " + e.what());
  }

  // Reads frames asynchronously so Ctrl-C (the stop flag) and --for are noticed between frames.
  beast::flat_buffer buffer;
  std::optional<beast::error_code> finished;
  std::function<void()> read_next = [&] {
    ws.async_read(buffer, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        finished = ec;
        return;
      }
      auto ev = json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
      buffer.consume(buffer.size());
      if (!ev.is_discarded()) {
        on_event(ev);
        ++seen;
      }
      if (done())
        finished = beast::error_code{};
      else
        read_next();
    });
  };
  read_next();
  while (!finished && !stop.load() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(50ms);
    if (io.stopped())
      io.restart();
  }
  if (finished && *finished && *finished != websocket::error::closed)
    return failure(command_result::outcome::unreachable, "unreachable",
                   "lost the connection to " + host_port_ + ": " + finished->message());
  if (finished && *finished == websocket::error::closed) {
    auto reason = ws.reason();
    if (reason.code != websocket::close_code::normal)
      return failure(command_result::outcome::failed, "tail_closed",
                     std::string{reason.reason.c_str()});
  }
  if (!finished) {
    beast::get_lowest_layer(ws).cancel();  // abandon the pending read
    io.run_for(100ms);
    beast::error_code ec;
    beast::get_lowest_layer(ws).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  }
  return {};
}

}  // namespace aethex::console

#include "tests/e2e/support/chat_client.hpp"

#include <fstream>
#include <future>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace aethex::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using json = nlohmann::json;
using tcp = asio::ip::tcp;

struct chat_client::impl : std::enable_shared_from_this<impl> {
  asio::io_context io;
  // Keeps run() going while nothing is being read (a stalled client still writes).
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
  std::thread thread;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<json> frames;
  bool ended = false;
  int code = 0;
  std::string reason;
  std::size_t received = 0;

  void read() {
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      std::lock_guard lock{self->mu};
      if (ec) {
        self->ended = true;
        self->code = self->ws.reason().code;
        self->reason = std::string{self->ws.reason().reason.c_str()};
        self->cv.notify_all();
        return;
      }
      auto j = json::parse(beast::buffers_to_string(self->buffer.data()), nullptr, false);
      self->buffer.clear();
      ++self->received;
      if (j.is_array())
        for (auto& x : j)
          self->frames.push_back(x);
      else
        self->frames.push_back(j);
      self->cv.notify_all();
      self->read();
    });
  }
};

chat_client::chat_client(unsigned short port, options opts) : impl_(std::make_shared<impl>()) {
  auto& sock = beast::get_lowest_layer(impl_->ws).socket();
  sock.open(tcp::v4());
  if (opts.receive_buffer > 0)
    sock.set_option(asio::socket_base::receive_buffer_size(opts.receive_buffer));
  sock.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
  impl_->ws.handshake("127.0.0.1:" + std::to_string(port), "/ws");
  if (opts.read)
    impl_->read();
  impl_->thread = std::thread([i = impl_] { i->io.run(); });
}

chat_client::~chat_client() {
  // Closing the socket ends the pending read, and with it run(). Stopping the io_context instead
  // could drop the close: the socket then stayed open (and counted in the room) after the
  // client was gone.
  asio::post(impl_->io, [i = impl_.get()] {
    beast::error_code ec;
    beast::get_lowest_layer(i->ws).socket().close(ec);
  });
  impl_->work.reset();
  if (impl_->thread.joinable())
    impl_->thread.join();
}

void chat_client::send_text(const std::string& text) {
  std::promise<beast::error_code> done;
  asio::post(impl_->io, [&] {
    beast::error_code ec;
    impl_->ws.text(true);
    impl_->ws.write(asio::buffer(text), ec);
    done.set_value(ec);
  });
  auto ec = done.get_future().get();
  if (ec)
    throw std::runtime_error("websocket write failed: " + ec.message());
}

void chat_client::send(const json& frame) { send_text(frame.dump()); }

json chat_client::next(const std::string& type, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock{impl_->mu};
  std::size_t scanned = 0;
  for (;;) {
    // Frames of other types stay queued for later calls.
    for (auto it = impl_->frames.begin() + static_cast<std::ptrdiff_t>(scanned);
         it != impl_->frames.end(); ++it, ++scanned)
      if (type.empty() || it->value("type", "") == type) {
        auto f = std::move(*it);
        impl_->frames.erase(it);
        return f;
      }
    if (impl_->ended || impl_->cv.wait_until(lock, deadline) == std::cv_status::timeout)
      if (impl_->frames.size() == scanned)
        return nullptr;
  }
}

json chat_client::next_any(std::chrono::milliseconds timeout) { return next("", timeout); }

void chat_client::clear() {
  std::lock_guard lock{impl_->mu};
  impl_->frames.clear();
}

json chat_client::guest_join(const std::string& guest, const std::string& channel) {
  send({{"type", "auth"}, {"guest", guest}});
  if (next("auth_ok").is_null())
    throw std::runtime_error("no auth_ok for guest " + guest);
  return join(channel);
}

json chat_client::join(const std::string& channel) {
  send({{"type", "join"}, {"channel", channel}});
  if (next("joined").is_null())
    throw std::runtime_error("could not join " + channel);
  return next("history");
}

bool chat_client::closed(std::chrono::milliseconds wait) {
  std::unique_lock lock{impl_->mu};
  impl_->cv.wait_for(lock, wait, [&] { return impl_->ended; });
  return impl_->ended;
}

int chat_client::close_code() const {
  std::lock_guard lock{impl_->mu};
  return impl_->code;
}

std::string chat_client::close_reason() const {
  std::lock_guard lock{impl_->mu};
  return impl_->reason;
}

std::size_t chat_client::drain(std::chrono::milliseconds timeout) {
  asio::post(impl_->io, [i = impl_] { i->read(); });
  closed(timeout);
  std::lock_guard lock{impl_->mu};
  return impl_->received;
}

std::unique_ptr<chat_client> admin_chat(const test_node& node, const std::string& channel) {
  auto admin = std::make_unique<chat_client>(node.http_port);
  admin->send({{"type", "auth"}, {"token", admin_token(node.data_dir.string())}});
  if (admin->next("auth_ok").value("user", "") != "admin")
    throw std::runtime_error("the admin token was not accepted on /ws");
  if (!admin->join(channel).is_object())
    throw std::runtime_error("the admin could not join " + channel);
  return admin;
}

void allow_guests(const test_node& node, const std::string& channel) {
  auto admin = admin_chat(node, channel);
  admin->send({{"type", "settings"}, {"guests", true}, {"ref", "guests"}});
  for (auto reply = admin->next_any(); !reply.is_null(); reply = admin->next_any())
    if (reply.value("ref", "") == "guests") {
      if (reply.value("type", "") != "ok")
        throw std::runtime_error("guests could not be allowed: " + reply.dump());
      return;
    }
  throw std::runtime_error("no answer to the guests setting");
}

}  // namespace aethex::test

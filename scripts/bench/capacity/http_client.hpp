// A keep-alive HTTP/1.1 GET client for the watchers: one request at a time, bodies with a
// Content-Length only (both servers send one for playlists and segments). By hand rather than
// Beast because Beast (and asio::async_read) read at most 64 KiB per call: a 330 KB segment then
// costs a wake-up and a recv per 64 KiB, which at 240 streams made the load tool, not the
// servers, the limit. Here a body is read straight into a buffer of its full size.
#pragma once

#include <charconv>
#include <functional>
#include <string>
#include <string_view>

#include "publisher.hpp"

namespace capacity {

class http_client {
 public:
  /// ok = a whole response arrived; body is valid during the call only.
  using done_fn = std::function<void(bool ok, int status, std::string_view body)>;

  http_client(asio::io_context& io, std::string host, std::string port)
      : socket_(io), timer_(io), host_(std::move(host)), port_(std::move(port)) {}

  /// GET target. A failure on a connection that served an earlier request is retried once on a
  /// new one (the server may have closed it while idle), as Python's http.client does.
  void get(std::string target, done_fn done) {
    target_ = std::move(target);
    done_ = std::move(done);
    retry_ = socket_.is_open();
    start();
  }

  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  void start() {
    timed_out_ = false;
    timer_.expires_after(std::chrono::seconds(5));
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) {
        timed_out_ = true;
        close();
      }
    });
    request_ = "GET " + target_ + " HTTP/1.1\r\nHost: " + host_ + ":" + port_ + "\r\n\r\n";
    used_ = 0;
    body_at_ = body_size_ = 0;
    if (socket_.is_open())
      return send();
    tcp::resolver resolver(socket_.get_executor());
    boost::system::error_code ec;
    auto endpoints = resolver.resolve(host_, port_, ec);
    if (ec)
      return finish(false);
    asio::async_connect(socket_, endpoints,
                        [this](boost::system::error_code ec, const tcp::endpoint&) {
                          if (ec)
                            return failed();
                          send();
                        });
  }

  void send() {
    asio::async_write(socket_, asio::buffer(request_),
                      [this](boost::system::error_code ec, std::size_t) {
                        if (ec)
                          return failed();
                        read();
                      });
  }

  void read() {
    auto want = body_at_ ? body_at_ + body_size_ : used_ + 16384;
    if (buf_.size() < want)
      buf_.resize(want);
    socket_.async_read_some(asio::buffer(buf_.data() + used_, buf_.size() - used_),
                            [this](boost::system::error_code ec, std::size_t n) {
                              if (ec)
                                return failed();
                              used_ += n;
                              if (!body_at_ && !parse_head())
                                return failed();
                              if (body_at_ && used_ >= body_at_ + body_size_)
                                return finish(true);
                              read();
                            });
  }

  // Reads the status and Content-Length once the head is complete; false: not HTTP we read.
  bool parse_head() {
    std::string_view got{buf_.data(), used_};
    auto end = got.find("\r\n\r\n");
    if (end == std::string_view::npos)
      return used_ < 65536;  // wait for the rest of the head
    auto head = got.substr(0, end);
    if (!head.starts_with("HTTP/1.1 ") || head.size() < 12)
      return false;
    std::from_chars(head.data() + 9, head.data() + 12, status_);
    keep_alive_ = true;
    bool sized = false;
    for (std::size_t at = head.find("\r\n"); at != std::string_view::npos;) {
      auto next = head.find("\r\n", at + 2);
      auto line = head.substr(at + 2, next == std::string_view::npos ? std::string_view::npos
                                                                     : next - at - 2);
      at = next;
      auto colon = line.find(':');
      if (colon == std::string_view::npos)
        continue;
      std::string name{line.substr(0, colon)};
      for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
      if (name == "content-length")
        sized = std::from_chars(value.data(), value.data() + value.size(), body_size_).ec ==
                std::errc{};
      else if (name == "connection" && (value == "close" || value == "Close"))
        keep_alive_ = false;
      else if (name == "transfer-encoding")
        return false;
    }
    body_at_ = end + 4;
    return sized;
  }

  void failed() {
    bool timeout = timed_out_;
    close();
    if (retry_ && !timeout) {
      retry_ = false;
      return start();
    }
    finish(false);
  }

  void finish(bool ok) {
    timer_.cancel();
    if (ok && !keep_alive_)
      close();
    auto done = std::move(done_);
    done(ok, ok ? status_ : 0,
         ok ? std::string_view{buf_.data() + body_at_, body_size_} : std::string_view{});
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  std::string host_, port_, target_, request_;
  std::string buf_;  // the response; grows to the largest one and stays
  std::size_t used_ = 0, body_at_ = 0, body_size_ = 0;
  int status_ = 0;
  bool keep_alive_ = true, retry_ = false, timed_out_ = false;
  done_fn done_;
};

}  // namespace capacity

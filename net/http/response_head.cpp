#include "net/http/response_head.hpp"

#include <array>
#include <charconv>

namespace aethex::net::http {
namespace {

namespace bhttp = boost::beast::http;

bool bodiless_status(unsigned status) { return status < 200 || status == 204 || status == 304; }

void append_number(std::string& out, std::uint64_t value) {
  std::array<char, 24> digits{};
  auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
  out.append(digits.data(), end);
}

}  // namespace

bool sends_body(const response& res, const head_options& options) {
  return !options.head_request && !bodiless_status(res.result_int());
}

void render_head(const response& res, const head_options& options, std::string& out) {
  out.clear();
  out += options.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  append_number(out, res.result_int());
  out += ' ';
  out += res.reason();
  out += "\r\n";
  bool server_set = false;
  for (const auto& f : res) {
    if (f.name() == bhttp::field::content_length || f.name() == bhttp::field::connection ||
        f.name() == bhttp::field::transfer_encoding)
      continue;
    server_set = server_set || f.name() == bhttp::field::server;
    out += f.name_string();
    out += ": ";
    out += f.value();
    out += "\r\n";
  }
  out += res.body().head_lines();
  if (!server_set)
    out += "Server: aethex\r\n";
  if (!bodiless_status(res.result_int())) {
    out += "Content-Length: ";
    append_number(out, res.body().size());
    out += "\r\n";
  }
  if (!options.keep_alive)
    out += "Connection: close\r\n";
  else if (options.version == 10)
    out += "Connection: keep-alive\r\n";
  out += "\r\n";
}

}  // namespace aethex::net::http

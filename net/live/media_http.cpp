#include "net/live/media_http.hpp"

#include <charconv>
#include <optional>

#include <boost/beast/http.hpp>

#include "runtime/memory_file.hpp"

namespace aethex::live {
namespace {

namespace bhttp = boost::beast::http;

const char* cache_control(media_kind kind) {
  switch (kind) {
    case media_kind::playlist: return "public, max-age=1";
    case media_kind::blocking_playlist: return "public, max-age=6";
    case media_kind::immutable: return "public, max-age=31536000, immutable";
    case media_kind::thumbnail: return "public, max-age=5";
    case media_kind::recorded: return "public, max-age=3600";
    case media_kind::recorded_private: return "private, max-age=3600";
  }
  return "no-cache";
}

struct byte_range {
  std::size_t first = 0;
  std::size_t last = 0;  // inclusive
};

std::optional<std::size_t> number(std::string_view text) {
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

enum class range_result { none, ok, unsatisfiable };

// One range of "bytes=first-last", "bytes=first-" or "bytes=-suffix". Several ranges (a
// multipart answer) are answered with the whole body, which RFC 9110 allows.
range_result parse_range(std::string_view header, std::size_t size, byte_range& out) {
  constexpr std::string_view unit = "bytes=";
  if (!header.starts_with(unit) || header.find(',') != std::string_view::npos)
    return range_result::none;
  auto spec = header.substr(unit.size());
  auto dash = spec.find('-');
  if (dash == std::string_view::npos)
    return range_result::none;
  auto from = spec.substr(0, dash), to = spec.substr(dash + 1);
  if (from.empty()) {
    auto suffix = number(to);
    if (!suffix)
      return range_result::none;
    if (*suffix == 0 || size == 0)
      return range_result::unsatisfiable;
    out = {size - std::min(*suffix, size), size - 1};
    return range_result::ok;
  }
  auto first = number(from);
  auto last = to.empty() ? std::optional<std::size_t>{SIZE_MAX} : number(to);
  if (!first || !last || *last < *first)
    return range_result::none;
  if (*first >= size)
    return range_result::unsatisfiable;
  out = {*first, std::min(*last, size - 1)};
  return range_result::ok;
}

}  // namespace

void allow_origin(net::http::response& res, std::string_view cors_origin) {
  if (cors_origin.empty())
    return;
  res.set(bhttp::field::access_control_allow_origin, cors_origin);
  res.set(bhttp::field::access_control_expose_headers, "Content-Length, Content-Range, ETag");
}

net::http::response media_response(const net::http::request& req, net::http::payload body,
                                   std::string_view content_type, media_kind kind,
                                   std::string_view etag, std::string_view cors_origin) {
  net::http::response res{bhttp::status::ok, req.version()};
  // The fields as one block of lines (net::http::payload::set_head_lines): every player asks for
  // a playlist and a segment or part each second.
  std::string lines;
  lines.reserve(320);
  auto line = [&lines](std::string_view name, std::string_view value) {
    lines.append(name).append(": ").append(value).append("\r\n");
  };
  line("Cache-Control", cache_control(kind));
  if (!cors_origin.empty()) {
    line("Access-Control-Allow-Origin", cors_origin);
    line("Access-Control-Expose-Headers", "Content-Length, Content-Range, ETag");
  }
  if (!etag.empty()) {
    lines.append("ETag: \"").append(etag).append("\"\r\n");
    auto match = req[bhttp::field::if_none_match];
    if (match == "*" || (match.size() == etag.size() + 2 && match.front() == '"' &&
                         match.back() == '"' && match.substr(1, etag.size()) == etag)) {
      res.result(bhttp::status::not_modified);
      res.body().set_head_lines(std::move(lines));
      return res;
    }
  }
  line("Content-Type", content_type);
  line("Accept-Ranges", "bytes");
  byte_range range;
  switch (parse_range(req[bhttp::field::range], body.size(), range)) {
    case range_result::none: break;
    case range_result::unsatisfiable:
      res.result(bhttp::status::range_not_satisfiable);
      line("Content-Range", "bytes */" + std::to_string(body.size()));
      res.body().set_head_lines(std::move(lines));
      return res;
    case range_result::ok:
      res.result(bhttp::status::partial_content);
      line("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                              std::to_string(range.last) + "/" + std::to_string(body.size()));
      body.keep_range(range.first, range.last - range.first + 1);
      break;
  }
  body.set_head_lines(std::move(lines));
  res.body() = std::move(body);
  return res;
}

std::optional<net::http::response> file_media_response(
  const net::http::request& req, const std::filesystem::path& path, std::string_view content_type,
  media_kind kind, std::string_view name, std::string_view cors_origin) {
  auto file = runtime::memory_file::open_read_only(path);
  if (!file)
    return std::nullopt;
  auto size = file->size();
  auto etag = std::string{name} + "-" + std::to_string(size);
  return media_response(req, net::http::payload::file_range(std::move(file), 0, size), content_type,
                        kind, etag, cors_origin);
}

}  // namespace aethex::live

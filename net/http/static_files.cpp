#include "net/http/static_files.hpp"

#include <fstream>
#include <sstream>

#include <boost/beast/http/field.hpp>

namespace aethex::net::http {

std::string_view mime_type(std::string_view path) {
  auto ends_with = [path](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends_with(".m3u8"))
    return "application/vnd.apple.mpegurl";
  if (ends_with(".ts"))
    return "video/mp2t";
  if (ends_with(".m4s") || ends_with(".mp4"))
    return "video/mp4";
  if (ends_with(".html"))
    return "text/html; charset=utf-8";
  if (ends_with(".js") || ends_with(".mjs"))
    return "text/javascript; charset=utf-8";
  if (ends_with(".css"))
    return "text/css; charset=utf-8";
  if (ends_with(".json"))
    return "application/json";
  if (ends_with(".webmanifest"))  // the web app manifest (W3C Web App Manifest §1.4)
    return "application/manifest+json";
  if (ends_with(".svg"))
    return "image/svg+xml";
  if (ends_with(".png"))
    return "image/png";
  if (ends_with(".jpg") || ends_with(".jpeg"))
    return "image/jpeg";
  if (ends_with(".ico"))
    return "image/x-icon";
  if (ends_with(".woff2"))
    return "font/woff2";
  if (ends_with(".wasm"))
    return "application/wasm";
  return "application/octet-stream";
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::filesystem::path> safe_relative_path(std::string_view url_path) {
  std::string decoded;
  decoded.reserve(url_path.size());
  for (std::size_t i = 0; i < url_path.size(); ++i) {
    char c = url_path[i];
    if (c == '%') {
      if (i + 2 >= url_path.size())
        return std::nullopt;
      int hi = hex_value(url_path[i + 1]), lo = hex_value(url_path[i + 2]);
      if (hi < 0 || lo < 0)
        return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0' || c == '\\')
      return std::nullopt;
    decoded.push_back(c);
  }
  std::filesystem::path result;
  std::string_view rest = decoded;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (segment.empty() || segment == ".")
      continue;
    if (segment == "..")
      return std::nullopt;
    result /= std::string{segment};
  }
  return result;
}

std::optional<response> file_response(const std::filesystem::path& root,
                                      const std::filesystem::path& relative,
                                      std::string_view cache_control) {
  auto full = root / relative;
  std::error_code ec;
  if (relative.empty() || !std::filesystem::is_regular_file(full, ec))
    return std::nullopt;
  std::ifstream in(full, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  response res{boost::beast::http::status::ok, 11};
  res.set(boost::beast::http::field::content_type, mime_type(full.filename().string()));
  // The service worker, the manifest and pages say which build is current: always revalidated,
  // so an update reaches installed apps at their next start instead of minutes later.
  auto name = full.filename().string();
  if (name == "sw.js" || name.ends_with(".webmanifest") || name.ends_with(".html"))
    cache_control = "no-cache";
  res.set(boost::beast::http::field::cache_control, cache_control);
  res.set(boost::beast::http::field::access_control_allow_origin, "*");
  res.body() = std::move(content).str();
  return res;
}

}  // namespace aethex::net::http

#include "net/live/clip_http.hpp"

#include <boost/beast/http.hpp>
#include <caf/all.hpp>

#include "actors/clip/clip.hpp"
#include "actors/core/entity_ref.hpp"
#include "net/live/media_http.hpp"
#include "actors/vod/vod_files.hpp"

namespace aethex::live {
namespace {

namespace bhttp = boost::beast::http;
using net::http::error_response;
using clip_ref = actors::entity_ref<actors::clip_protocol>;

// The page other sites embed and link previews read. Absolute URLs: crawlers resolve nothing.
std::string embed_page(const actors::clip_view& clip, std::string_view origin) {
  auto title = html_escape(clip.title.empty() ? "Clip of " + clip.channel : clip.title);
  auto page = html_escape(std::string{origin} + "/clip/" + clip.id);
  auto video = html_escape(std::string{origin} + "/clips/" + clip.id + ".mp4");
  auto poster = html_escape(std::string{origin} + "/vod/" + clip.vod + "/poster.jpg");
  auto embed = html_escape(std::string{origin} + "/embed/clip/" + clip.id);
  auto channel = html_escape(clip.channel);
  std::string html;
  html.reserve(2048);
  html += "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">";
  html += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">";
  html += "<title>" + title + " · " + channel + "</title>";
  html += "<meta property=\"og:type\" content=\"video.other\">";
  html += "<meta property=\"og:site_name\" content=\"AeThex LIVE\">";
  html += "<meta property=\"og:title\" content=\"" + title + "\">";
  html += "<meta property=\"og:description\" content=\"A clip of " + channel + "\">";
  html += "<meta property=\"og:url\" content=\"" + page + "\">";
  html += "<meta property=\"og:image\" content=\"" + poster + "\">";
  html += "<meta property=\"og:video\" content=\"" + video + "\">";
  html += "<meta property=\"og:video:type\" content=\"video/mp4\">";
  html += "<meta name=\"twitter:card\" content=\"player\">";
  html += "<meta name=\"twitter:title\" content=\"" + title + "\">";
  html += "<meta name=\"twitter:image\" content=\"" + poster + "\">";
  html += "<meta name=\"twitter:player\" content=\"" + embed + "\">";
  html += "<meta name=\"twitter:player:width\" content=\"640\">";
  html += "<meta name=\"twitter:player:height\" content=\"360\">";
  html += "<link rel=\"canonical\" href=\"" + page + "\">";
  html +=
    "<style>html,body{margin:0;height:100%;background:#000}video{width:100%;height:100%}"
    "a{position:fixed;left:8px;top:8px;color:#fff;font:14px sans-serif}</style></head><body>";
  html += "<video id=\"clip-video\" controls playsinline preload=\"metadata\" poster=\"" + poster +
          "\" src=\"" + video + "\"></video>";
  html += "<a href=\"" + page + "\" target=\"_blank\" rel=\"noopener\">" + title + " · " + channel +
          "</a></body></html>";
  return html;
}

std::string origin_of(const net::http::request& req) {
  auto host = req[bhttp::field::host];
  return "http://" + std::string{host.empty() ? "localhost" : host};
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

bool handle_clip_request(const live_context& ctx, const net::http::request& req,
                         std::string_view path, net::http::respond_fn& respond) {
  bool embed = path.starts_with("/embed/clip/");
  if (!embed && !path.starts_with("/clips/"))
    return false;
  auto id = std::string{path.substr(embed ? 12 : 7)};
  if (!embed) {
    if (!id.ends_with(".mp4")) {
      respond(error_response(404, "not_found", "no such clip file"));
      return true;
    }
    id.resize(id.size() - 4);
  }
  if (!actors::vod_files::valid_id(id)) {
    respond(error_response(404, "not_found", "no such clip"));
    return true;
  }
  clip_ref{ctx.registry, id}
    .ask(get_atom::value)
    .then(*ctx.sys, [ctx, req, embed, respond](caf::expected<actors::clip_view> clip) {
      if (!clip)
        return respond(error_response(404, "not_found", "no such clip"));
      if (embed) {
        net::http::response res{bhttp::status::ok, req.version()};
        res.set(bhttp::field::content_type, "text/html; charset=utf-8");
        res.set(bhttp::field::cache_control, "public, max-age=60");
        res.body() = embed_page(*clip, origin_of(req));
        return respond(std::move(res));
      }
      auto file = clip->state == "ready"
                    ? file_media_response(req, actors::clip_files::file(ctx.data_dir, clip->id),
                                          "video/mp4", media_kind::recorded, clip->id,
                                          ctx.cors_origin)
                    : std::nullopt;
      respond(file ? std::move(*file)
                   : error_response(404, "not_found", "the clip is not rendered here"));
    });
  return true;
}

}  // namespace aethex::live

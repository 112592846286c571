#include "net/live/vod_http.hpp"

#include <chrono>
#include <fstream>

#include <boost/beast/http.hpp>
#include <caf/all.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/vod/vod.hpp"
#include "net/live/media_http.hpp"
#include "actors/vod/vod_files.hpp"

namespace aethex::live {
namespace {

namespace files = actors::vod_files;
namespace bhttp = boost::beast::http;
using net::http::error_response;
using vod_ref = actors::entity_ref<actors::vod_protocol>;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string_view content_type_of(std::string_view file) {
  if (file == files::playlist)
    return "application/vnd.apple.mpegurl";
  if (file == files::poster || files::is_strip_sheet(file))
    return "image/jpeg";
  if (file == files::thumbnails)
    return "text/vtt; charset=utf-8";
  return "video/mp4";
}

// The text files of a VOD that is not public (the playlist, the WebVTT of the strip) name its
// other files with the same signed query, so the player's requests for them are let in too.
// `after` is what follows each name that gets the query ("media.mp4", or ".jpg" before "#xywh").
std::string text_with_query(const std::filesystem::path& path, std::string_view after,
                            std::string_view signed_query) {
  std::ifstream in(path, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), {}};
  if (signed_query.empty())
    return text;
  std::string out;
  std::string_view rest = text;
  for (auto at = rest.find(after); at != std::string_view::npos; at = rest.find(after)) {
    out.append(rest.substr(0, at + after.size())).append("?").append(signed_query);
    rest.remove_prefix(at + after.size());
  }
  out.append(rest);
  return out;
}

net::http::response serve(const live_context& ctx, const net::http::request& req,
                          const actors::vod_view& vod, std::string_view file,
                          std::string_view query) {
  auto dir = files::dir(ctx.data_dir, vod.id);
  bool open = vod.privacy == actors::vod_privacy::everyone;
  if (file == files::playlist || file == files::thumbnails) {
    std::string signed_query;
    if (!open) {
      signed_query = "exp=" + query_param(query, "exp").value_or("") +
                     "&sig=" + query_param(query, "sig").value_or("");
    }
    bool playlist = file == files::playlist;
    auto text = text_with_query(dir / file, playlist ? files::media : ".jpg", signed_query);
    if (text.empty())
      return error_response(404, "not_found", "not made yet");
    auto kind = playlist && vod.state != "ready"
                  ? media_kind::playlist
                  : (open ? media_kind::recorded : media_kind::recorded_private);
    return media_response(req, net::http::payload{std::move(text)}, content_type_of(file), kind, {},
                          ctx.cors_origin);
  }
  auto found = file_media_response(req, dir / file, content_type_of(file),
                                   open ? media_kind::recorded : media_kind::recorded_private,
                                   vod.id, ctx.cors_origin);
  if (!found)
    return error_response(404, "not_found", "no such file");
  auto res = std::move(*found);
  if (query_param(query, "download") == "1")
    res.set(bhttp::field::content_disposition,
            "attachment; filename=\"" + vod.channel + "-" + vod.id + ".mp4\"");
  return res;
}

}  // namespace

bool handle_vod_request(const live_context& ctx, const net::http::request& req,
                        std::string_view path, std::string_view query,
                        net::http::respond_fn& respond) {
  if (!path.starts_with("/vod/"))
    return false;
  auto rest = path.substr(5);
  auto slash = rest.find('/');
  auto id = std::string{rest.substr(0, slash)};
  auto file = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  if (!files::valid_id(id) ||
      (file != files::playlist && file != files::media && file != files::poster &&
       file != files::thumbnails && !files::is_strip_sheet(file))) {
    respond(error_response(404, "not_found", "no such video file"));
    return true;
  }
  auto signature = query_param(query, "sig"), expires = query_param(query, "exp");
  bool signed_ok = signature && expires &&
                   files::signature_valid(ctx.admin_token_digest, id, *signature, *expires,
                                          now_ms());
  vod_ref{ctx.registry, id}
    .ask(get_atom::value)
    .then(*ctx.sys, [ctx, req, file = std::string{file}, query = std::string{query}, signed_ok,
                     respond](caf::expected<actors::vod_view> vod) {
      // A VOD the asker may not see is answered like one that does not exist.
      if (!vod || (vod->privacy != actors::vod_privacy::everyone && !signed_ok))
        return respond(error_response(404, "not_found", "no such video"));
      respond(serve(ctx, req, *vod, file, query));
    });
  return true;
}

}  // namespace aethex::live

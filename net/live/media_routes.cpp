#include "net/live/media_routes.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <unordered_map>
#include <cctype>
#include <charconv>
#include <chrono>

#include <boost/beast/http.hpp>
#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "media/flac_rendition.hpp"
#include "media/fmp4_hub.hpp"
#include "media/fmp4_relay.hpp"
#include "media/ll_hls.hpp"
#include "media/live_outputs.hpp"
#include "media/media_session.hpp"
#include "media/renditions.hpp"
#include "net/live/edge_redirect.hpp"
#include "net/live/media_http.hpp"
#include "net/live/socket_watch.hpp"
#include "net/http/static_files.hpp"
#include "net/ws_media/media_socket.hpp"
#include "runtime/errors.hpp"

namespace aethex::live {
namespace {

namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using net::http::error_response;
using net::http::respond_fn;
using wait_result = media::ll_hls_stream::wait_result;
using timer_atom = caf::atom_constant<caf::atom("mtimer")>;

constexpr auto ask_timeout = 10s;

// Three target durations, as the LL-HLS spec suggests for blocking requests.
constexpr auto block_timeout = 3s;

using outputs_callback = std::function<void(caf::expected<media::media_outputs>)>;

}  // namespace

class outputs_cache {
 public:
  // Channels remembered at most; beyond, entries of ended sessions are dropped first.
  static constexpr std::size_t max_entries = 10'000;

  std::optional<media::media_outputs> find(const std::string& channel) {
    std::lock_guard lock{mutex_};
    auto found = entries_.find(channel);
    if (found == entries_.end())
      return std::nullopt;
    if (ended(found->second)) {
      entries_.erase(found);
      return std::nullopt;
    }
    return found->second;
  }

  void put(const std::string& channel, const media::media_outputs& outputs) {
    std::lock_guard lock{mutex_};
    // Once per session and node: ended entries go here, not only when their channel is asked
    // for again (a closed stream frees its media, but a thousand ended shells add up too).
    std::erase_if(entries_, [](auto& kv) { return ended(kv.second); });
    if (entries_.size() < max_entries)
      entries_[channel] = outputs;
  }

 private:
  static bool ended(const media::media_outputs& o) {
    return !o.ll || !o.fmp4 || o.ll->closed() || o.fmp4->closed();
  }
  std::mutex mutex_;
  std::unordered_map<std::string, media::media_outputs> entries_;
};

std::shared_ptr<outputs_cache> make_outputs_cache() { return std::make_shared<outputs_cache>(); }

namespace {

// A live session's outputs when this node looked them up already: one lookup per session
// instead of an actor round trip per request.
std::optional<media::media_outputs> cached_outputs(const live_context& ctx,
                                                   const std::string& channel) {
  if (!ctx.media || !ctx.outputs || !actors::valid_channel_name(channel))
    return std::nullopt;
  return ctx.outputs->find(channel);
}

// A live session's outputs from the media supervisor (and into the cache).
void ask_supervisor(const live_context& ctx, std::string channel, outputs_callback done) {
  if (!ctx.media || !actors::valid_channel_name(channel))
    return done(make_error(errc::not_found, "channel is not live"));
  ctx.sys->spawn([media = ctx.media, cache = ctx.outputs, channel = std::move(channel),
                  done = std::move(done)](caf::event_based_actor* self) {
    self->request(media, ask_timeout, media::media_outputs_atom::value, channel)
      .then(
        [cache, channel, done](media::media_outputs& outputs) {
          if (cache)
            cache->put(channel, outputs);
          done(std::move(outputs));
        },
        [done](caf::error& err) { done(std::move(err)); });
  });
}

void ask_outputs(const live_context& ctx, std::string channel, outputs_callback done) {
  if (auto cached = cached_outputs(ctx, channel))
    return done(std::move(*cached));
  ask_supervisor(ctx, std::move(channel), std::move(done));
}

// Runs `fn` after `delay` on a CAF thread, without holding any I/O thread.
void run_after(caf::actor_system& sys, std::chrono::milliseconds delay, std::function<void()> fn) {
  sys.spawn([delay, fn = std::move(fn)](caf::event_based_actor* self) -> caf::behavior {
    self->delayed_send(self, delay, timer_atom::value);
    return {[self, fn](timer_atom) {
      fn();
      self->quit();
    }};
  });
}

// A respond_fn that can be raced by the part becoming ready and the timeout: first one wins.
struct once_responder {
  respond_fn respond;
  std::atomic<bool> used{false};
  void operator()(net::http::response res) {
    if (!used.exchange(true))
      respond(std::move(res));
  }
};

// What a media answer needs of its request once the lookup completes on another thread: the
// validators (If-None-Match, Range) and the HTTP version.
using request_headers = std::shared_ptr<const net::http::request>;

request_headers headers_of(const net::http::request& req) {
  auto copy = std::make_shared<net::http::request>();
  copy->version(req.version());
  for (auto field : {bhttp::field::if_none_match, bhttp::field::range})
    if (auto value = req[field]; !value.empty())
      copy->set(field, value);
  return copy;
}

net::http::response with_cors(net::http::response res, const live_context& ctx) {
  allow_origin(res, ctx.cors_origin);
  return res;
}

// The answers below take the CORS origin, not the whole context: they are made inside lambdas,
// and a context copied into each of them cost several allocations per player request.
net::http::response not_found(std::string_view message, std::string_view cors_origin) {
  auto res = error_response(404, "not_found", message);
  allow_origin(res, cors_origin);
  return res;
}

net::http::response playlist_response(std::string_view cors_origin, const media::ll_hls_stream& ll,
                                      const net::http::request& req, bool low_latency,
                                      bool blocking) {
  auto text = ll.playlist(low_latency);
  if (!text)
    return not_found("the stream has no media yet", cors_origin);
  return media_response(req, std::move(*text), "application/vnd.apple.mpegurl",
                        blocking ? media_kind::blocking_playlist : media_kind::playlist, {},
                        cors_origin);
}

std::optional<std::int64_t> int_param(std::string_view query, std::string_view name) {
  auto text = query_param(query, name);
  if (!text)
    return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size())
    return -1;  // malformed: rejected by the stream as a bad request
  return value;
}

// Waits (asynchronously) for segment msn / part, then answers with `make`.
void after_available(const live_context& ctx, std::shared_ptr<media::ll_hls_stream> ll,
                     std::int64_t msn, std::optional<std::int64_t> part, respond_fn respond,
                     std::function<net::http::response()> make) {
  auto once = std::make_shared<once_responder>();
  once->respond = std::move(respond);
  ll->when_available(msn, part, [once, make](wait_result result) {
    switch (result) {
      case wait_result::ready: return (*once)(make());
      case wait_result::gone: return (*once)(error_response(404, "not_found", "the stream ended"));
      case wait_result::bad_request:
        return (*once)(error_response(400, "bad_request", "_HLS_msn/_HLS_part out of range"));
    }
  });
  if (!once->used)
    run_after(*ctx.sys, block_timeout, [once] {
      (*once)(error_response(503, "timeout", "the requested part did not appear in time"));
    });
}

// Who fetched a playlist: the page's per-tab id when it sent a well-formed one, else the
// client's address (so a bot polling without an id counts once per address); and the address,
// which bounds how many ids one client counts for.
struct player_id {
  std::string key;
  std::string address;
};

player_id viewer_key(std::string_view query, std::string_view peer) {
  auto address = std::string{peer.substr(0, peer.rfind(':'))};
  if (auto vid = query_param(query, "vid"); vid && !vid->empty() && vid->size() <= 32 &&
                                            std::all_of(vid->begin(), vid->end(), [](char c) {
                                              return std::isalnum(static_cast<unsigned char>(c)) ||
                                                     c == '-' || c == '_';
                                            }))
    return {"id:" + std::string{*vid}, std::move(address)};
  return {"ip:" + address, address};
}

// One stream's playlists and media: the source's or a rendition's (`file` is relative to it).
void serve_stream_file(const live_context& ctx, const std::shared_ptr<media::ll_hls_stream>& ll,
                       const std::string& file, const std::string& query,
                       const request_headers& req, respond_fn respond) {
  if (file == "index.m3u8")
    return respond(playlist_response(ctx.cors_origin, *ll, *req, false, false));
  if (file == "ll.m3u8") {
    auto msn = int_param(query, "_HLS_msn");
    auto part = int_param(query, "_HLS_part");
    if (!msn)
      return respond(playlist_response(ctx.cors_origin, *ll, *req, true, false));
    return after_available(ctx, ll, *msn, part, std::move(respond),
                           [cors = ctx.cors_origin, ll, req] {
                             return playlist_response(cors, *ll, *req, true, true);
                           });
  }
  constexpr std::string_view missing = "no such part or segment";
  // "ll/<session>/<name>": an old session's URIs find nothing (and were never reused).
  if (!file.starts_with("ll/"))
    return respond(not_found(missing, ctx.cors_origin));
  auto rest = std::string_view{file}.substr(3);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || rest.substr(0, slash) != ll->session())
    return respond(not_found(missing, ctx.cors_origin));
  auto name = std::string{rest.substr(slash + 1)};
  auto etag = ll->session() + "/" + name;
  if (name == "init.mp4") {
    auto init = ll->init();
    if (!init)
      return respond(not_found(missing, ctx.cors_origin));
    return respond(media_response(*req, net::http::payload::shared({std::move(init)}), "video/mp4",
                                  media_kind::immutable, etag, ctx.cors_origin));
  }
  auto lookup = [cors = ctx.cors_origin, ll, name, etag, req, missing] {
    auto bytes = ll->media(name);
    if (!bytes)
      return not_found(missing, cors);
    auto body = bytes->file ? net::http::payload::file_range(std::move(bytes->file), bytes->offset,
                                                             bytes->size)
                            : net::http::payload::shared(std::move(bytes->chunks));
    return media_response(*req, std::move(body), "video/mp4", media_kind::immutable, etag, cors);
  };
  // A part announced by EXT-X-PRELOAD-HINT is requested before it exists: hold the request.
  if (auto p = media::ll_hls_stream::part_of(name))
    return after_available(ctx, ll, p->first, p->second, std::move(respond), lookup);
  respond(lookup());
}

// The master playlists list the source and the renditions; players carry their viewer id on.
void serve_master(const live_context& ctx, const media::media_outputs& outputs, bool low_latency,
                  std::string_view query, const request_headers& req, respond_fn respond) {
  auto vid = query_param(query, "vid");
  auto text = media::master_playlist(*outputs.ll, *outputs.renditions, low_latency,
                                     vid ? "vid=" + std::string{*vid} : std::string{});
  if (!text)
    return respond(not_found("the stream has no media yet", ctx.cors_origin));
  respond(media_response(*req, std::move(*text), "application/vnd.apple.mpegurl",
                         media_kind::playlist, {}, ctx.cors_origin));
}

// `file` is what follows /hls/<channel>/: index.m3u8, ll.m3u8, master.m3u8, ll-master.m3u8,
// ll/<session>/…, or r/<rendition>/ and one of those.
void serve_from_outputs(const live_context& ctx, const caf::expected<media::media_outputs>& outputs,
                        const std::string& channel, const std::string& file,
                        const std::string& query, const player_id& viewer,
                        const request_headers& req, respond_fn respond) {
  if (!outputs || !outputs->ll) {
    // Maybe live on another node: players follow a redirect there.
    auto target = "/hls/" + channel + "/" + file + (query.empty() ? "" : "?" + query);
    return redirect_to_ingest_node(ctx, channel, target,
                                   not_found("channel is not live", ctx.cors_origin),
                                   std::move(respond));
  }
  if (file == "master.m3u8" || file == "ll-master.m3u8")
    return serve_master(ctx, *outputs, file == "ll-master.m3u8", query, req, std::move(respond));
  auto ll = outputs->ll;
  auto stream_file = file;
  if (file.starts_with("r/")) {
    auto slash = file.find('/', 2);
    auto rendition = slash == std::string::npos || !outputs->renditions
                       ? std::nullopt
                       : outputs->renditions->find(std::string_view{file}.substr(2, slash - 2));
    if (!rendition || !rendition->ll)  // the FLAC rendition is WebSocket only
      return respond(not_found("no such rendition", ctx.cors_origin));
    ll = rendition->ll;
    stream_file = file.substr(slash + 1);
  }
  // Viewers are counted on the session, whichever rendition they play.
  if (stream_file == "index.m3u8" || stream_file == "ll.m3u8")
    outputs->ll->note_viewer(viewer.key, viewer.address, stream_file == "ll.m3u8",
                             media::wall_clock_ms());
  serve_stream_file(ctx, ll, stream_file, query, req, std::move(respond));
}

void serve_hls(const live_context& ctx, std::string channel, std::string file, std::string query,
               player_id viewer, request_headers req, respond_fn respond) {
  // Nearly every request is for a session this node looked up already: served here, without
  // a callback that would copy the context and the request's strings once more.
  if (auto cached = cached_outputs(ctx, channel))
    return serve_from_outputs(ctx, std::move(*cached), channel, file, query, viewer, req,
                              std::move(respond));
  ask_supervisor(ctx, channel,
                 [ctx, channel, file, query, viewer, req, respond = std::move(respond)](
                   caf::expected<media::media_outputs> outputs) mutable {
                   serve_from_outputs(ctx, outputs, channel, file, query, viewer, req,
                                      std::move(respond));
                 });
}

// {"type":"clock","t":<media s>,"wall":<ms>}, formatted directly: every viewer of a stream
// gets one every few seconds, where building a JSON object each time cost a share of a core at
// thousands of viewers. to_chars gives the shortest text that reads back as the same double.
std::string clock_message(double media_time_s, std::int64_t wall_ms) {
  std::array<char, 32> number{};
  std::string text = R"({"type":"clock","t":)";
  text.append(number.data(), std::to_chars(number.begin(), number.end(), media_time_s).ptr);
  text += R"(,"wall":)";
  text.append(number.data(), std::to_chars(number.begin(), number.end(), wall_ms).ptr);
  text += '}';
  return text;
}

// Forwards one session's fMP4 packets to a WebSocket viewer.
class hub_bridge final : public media::fmp4_subscriber {
 public:
  hub_bridge(std::shared_ptr<net::ws_media::viewer> viewer, std::string rendition,
             std::shared_ptr<socket_watch> watch)
      : viewer_(std::move(viewer)), rendition_(std::move(rendition)), watch_(std::move(watch)) {}

  void on_packet(const media::fmp4_packet& p) override {
    watched();
    viewer_->push(convert(p));
  }
  void on_packets(std::span<const media::fmp4_packet> run) override {
    watched();
    std::vector<net::ws_media::packet> out;
    out.reserve(run.size());
    for (const auto& p : run)
      out.push_back(convert(p));
    viewer_->push_all(std::move(out));
  }
  void on_end() override { viewer_->end("ended"); }

 private:
  net::ws_media::packet convert(const media::fmp4_packet& p) {
    net::ws_media::packet out;
    out.data = p.data;
    out.init = p.init;
    out.keyframe = p.keyframe;
    if (p.init) {
      out.control =
        nlohmann::json{{"type", "init"}, {"mime", p.mime}, {"rendition", rendition_}}.dump();
      last_clock_s_ = -1e9;  // a new timeline: the next keyframe carries a clock
    } else if (p.keyframe && p.media_time_s - last_clock_s_ >= clock_every_s) {
      // Lets the player map media time to wall-clock time and show the live latency. One
      // sample holds for the seconds after it (both clocks run at the same rate), so one every
      // few keyframes is enough: each costs the viewer's socket a write of its own.
      out.control = clock_message(p.media_time_s, p.wall_ms);
      last_clock_s_ = p.media_time_s;
    }
    return out;
  }

  void watched() {
    if (watch_)
      watch_->on_media();
  }

  static constexpr double clock_every_s = 5;
  std::shared_ptr<net::ws_media::viewer> viewer_;
  std::string rendition_;       // what this viewer gets: "source" or a rendition's name
  double last_clock_s_ = -1e9;  // media time of the last clock sent (an init restarts them)
  std::shared_ptr<socket_watch> watch_;  // null: not reported; goes with the socket's bridge
};

}  // namespace

ws_module make_ws_media_module(const live_context& ctx) {
  return [ctx](std::string_view path, boost::beast::tcp_stream& stream, net::http::request& req,
               const std::string& peer) {
    constexpr std::string_view prefix = "/ws/media/";
    if (!path.starts_with(prefix))
      return false;
    // "/ws/media/<channel>" plays the source, "/ws/media/<channel>/<rendition>" a rendition
    // (the source while that rendition does not exist), "flac" included (DJ mode).
    auto rest = path.substr(prefix.size());
    auto slash = rest.find('/');
    std::string channel{rest.substr(0, slash)};
    std::string wanted{slash == std::string_view::npos ? "" : rest.substr(slash + 1)};
    // Refused before anything is looked up or a relay entry is made for the name (a 404).
    if (!actors::valid_channel_name(channel) ||
        (!wanted.empty() && !media::find_rendition(wanted) && wanted != media::flac_rendition_name))
      return false;
    std::string_view target{req.target().data(), req.target().size()};
    auto query = target.find('?') == std::string_view::npos ? std::string_view{}
                                                            : target.substr(target.find('?') + 1);
    auto watching = socket_watch::from_query(ctx.registry, channel, query);
    net::ws_media::accept(
      std::move(stream), std::move(req), peer,
      [ctx, channel, wanted, watching](std::shared_ptr<net::ws_media::viewer> viewer) {
        // `relayed`: the outputs hold just the stream a relay carries, `wanted` itself.
        auto watch = [viewer, wanted, watching](caf::expected<media::media_outputs> outputs,
                                                bool relayed) {
          if (!outputs || !outputs->fmp4)
            return viewer->end("offline");
          auto hub = outputs->fmp4;
          std::string served = relayed && !wanted.empty() ? wanted : "source";
          if (auto r = wanted.empty() || !outputs->renditions ? std::nullopt
                                                              : outputs->renditions->find(wanted)) {
            hub = r->fmp4;
            served = wanted;
          }
          auto bridge = std::make_shared<hub_bridge>(viewer, served, watching);
          viewer->hold(bridge);
          hub->subscribe(bridge);
        };
        ask_outputs(
          ctx, channel, [ctx, channel, wanted, watch](caf::expected<media::media_outputs> local) {
            if ((local && local->fmp4) || !ctx.relays)
              return watch(std::move(local), false);
            // Ingested on another node: this node's shared copy of the rendition asked for, or of
            // the source while that rendition is not transcoded there.
            ctx.sys->spawn([ctx, channel, wanted, watch](caf::event_based_actor* self) {
              auto source = [self, ctx, channel, watch] {
                self->request(ctx.relays, ask_timeout, media::relay_atom::value, channel)
                  .then(
                    [watch](media::media_outputs& outputs) { watch(std::move(outputs), false); },
                    [watch](caf::error& err) { watch(std::move(err), false); });
              };
              if (wanted.empty())
                return source();
              self
                ->request(ctx.relays, ask_timeout, media::relay_atom::value,
                          media::relay_key(channel, wanted))
                .then([watch](media::media_outputs& outputs) { watch(std::move(outputs), true); },
                      [source](caf::error&) { source(); });
            });
          });
      });
    return true;
  };
}

bool handle_media_request(const live_context& ctx, const net::http::request& req,
                          std::string_view path, std::string_view query, std::string_view peer,
                          respond_fn& respond) {
  if (path.starts_with("/thumb/")) {
    auto file = path.substr(7);
    if (!file.ends_with(".jpg"))
      return false;
    auto channel = std::string{file.substr(0, file.size() - 4)};
    if (!actors::valid_channel_name(channel)) {
      respond(error_response(404, "not_found", "no such channel"));
      return true;
    }
    auto res = net::http::file_response(ctx.hls_root, std::filesystem::path{channel} / "thumb.jpg",
                                        "public, max-age=5");
    respond(with_cors(res ? std::move(*res) : error_response(404, "not_found", "no thumbnail yet"),
                      ctx));
    return true;
  }
  if (!path.starts_with("/hls/"))
    return false;
  auto rest = path.substr(5);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos)
    return false;
  auto channel = std::string{rest.substr(0, slash)};
  auto file = std::string{rest.substr(slash + 1)};
  // Everything under /hls/ is served from memory: the playlists and the fMP4 they list.
  auto own = [](std::string_view f) {
    return f == "index.m3u8" || f == "ll.m3u8" || f.starts_with("ll/");
  };
  bool rendition_file = file.starts_with("r/") && file.find('/', 2) != std::string::npos &&
                        own(std::string_view{file}.substr(file.find('/', 2) + 1));
  if (!own(file) && !rendition_file && file != "master.m3u8" && file != "ll-master.m3u8") {
    respond(not_found("no such stream file", ctx.cors_origin));
    return true;
  }
  serve_hls(ctx, std::move(channel), std::move(file), std::string{query}, viewer_key(query, peer),
            headers_of(req), std::move(respond));
  return true;
}

}  // namespace aethex::live

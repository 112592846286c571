#include "net/whip/endpoint.hpp"

#include <iostream>
#include <map>
#include <mutex>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>

#include "net/whip/request.hpp"
#include "runtime/limits.hpp"
#include "runtime/secrets.hpp"

namespace aethex::net::whip {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using steady = std::chrono::steady_clock;
using http::error_response;

// Browsers publish from other origins too (RFC 9725 §4.3.1 asks endpoints to support CORS).
http::response cors(http::response res) {
  res.set(bhttp::field::access_control_allow_origin, "*");
  res.set(bhttp::field::access_control_expose_headers, "Location, ETag, Link");
  return res;
}

http::response error(unsigned status, std::string_view code, std::string_view message) {
  return cors(error_response(status, code, message));
}

// The handler's refusals carry text only (net/ingest): the two the publisher can act on are
// told apart; every other refusal (unknown channel, malformed or wrong key) is a 401.
http::response refusal(const std::string& reason) {
  if (reason.find("already live") != std::string::npos)
    return error(409, "channel_live", "the channel is already live from another publisher");
  if (reason.find("could not start") != std::string::npos)
    return error(503, "unavailable", "the media session could not start");
  auto res = error(401, "unauthorized", "invalid stream key");
  res.set(bhttp::field::www_authenticate, "Bearer");
  return res;
}

}  // namespace

struct session {
  std::string id;
  std::string channel;
  std::string key;  // secret: compared on DELETE, never logged
  std::string peer_address;
  steady::time_point started = steady::now();

  std::mutex mu;  // guards what follows
  bool closed = false;
  bool answered = false;
  std::shared_ptr<ingest::ingest_sink> sink;
  std::unique_ptr<peer> rtc;
  http::respond_fn respond;  // until the answer (or a failure) is sent
};

struct endpoint::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& io, ingest::ingest_handler& handler, peer_factory factory,
       endpoint_options options)
      : io(io), handler(handler), factory(std::move(factory)), options(options), watchdog(io) {}

  asio::io_context& io;
  ingest::ingest_handler& handler;
  peer_factory factory;
  endpoint_options options;
  asio::steady_timer watchdog;
  runtime::log_throttle refusals_log;

  mutable std::mutex mu;  // guards what follows
  std::map<std::string, std::shared_ptr<session>> sessions;
  bool stopped = false;

  void log_refusal(const std::string& peer_address, const std::string& channel,
                   const std::string& reason) {
    if (auto held = refusals_log.admit())
      std::clog << "whip: publish rejected from " << peer_address << " for channel " << channel
                << ": " << reason << (*held ? " (" + std::to_string(*held) + " more)" : "")
                << std::endl;
  }

  void arm_watchdog() {
    watchdog.expires_after(options.watchdog_period);
    watchdog.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (auto self = weak.lock(); self && !ec)
        self->check();
    });
  }

  // Sessions whose answer is overdue or whose browser went quiet end here.
  void check() {
    std::vector<std::pair<std::string, std::string>> overdue;
    {
      std::lock_guard lock{mu};
      if (stopped)
        return;
      auto now = steady::now();
      for (auto& [id, s] : sessions) {
        std::lock_guard session_lock{s->mu};
        if (!s->answered && now - s->started > options.answer_timeout)
          overdue.emplace_back(id, "no answer in time (ICE gathering)");
        else if (s->answered && s->rtc && s->rtc->idle() > options.media_timeout)
          overdue.emplace_back(id, "no media from the browser for " +
                                     std::to_string(options.media_timeout.count() / 1000) + " s");
      }
    }
    for (auto& [id, reason] : overdue)
      end(id, reason, 504);
    arm_watchdog();
  }

  void post_end(const std::string& id, std::string reason) {
    asio::post(io, [weak = weak_from_this(), id, reason = std::move(reason)] {
      if (auto self = weak.lock())
        self->end(id, reason, 503);
    });
  }

  // Ends a session: its sink closes, a pending POST gets `status`, the receiver stops (outside
  // every lock: stopping joins the threads that call back into the session).
  void end(const std::string& id, const std::string& reason, unsigned status) {
    std::shared_ptr<session> s;
    {
      std::lock_guard lock{mu};
      auto it = sessions.find(id);
      if (it == sessions.end())
        return;
      s = it->second;
      sessions.erase(it);
    }
    http::respond_fn pending;
    std::unique_ptr<peer> rtc;
    std::shared_ptr<ingest::ingest_sink> sink;
    {
      std::lock_guard lock{s->mu};
      s->closed = true;
      pending = std::move(s->respond);
      rtc = std::move(s->rtc);
      sink = std::move(s->sink);
    }
    if (sink)
      sink->close(reason);
    if (pending)
      pending(error(status, status == 400 ? "bad_offer" : "unavailable", reason));
    rtc.reset();
    std::clog << "whip: session " << id << " of channel " << s->channel << " ended: " << reason
              << std::endl;
  }

  void answered(const std::shared_ptr<session>& s, std::string answer, std::string failure) {
    http::respond_fn respond;
    {
      std::lock_guard lock{s->mu};
      s->answered = true;
      respond = std::move(s->respond);
    }
    if (!failure.empty()) {
      if (respond)
        respond(error(400, "bad_offer", "the offer cannot be answered: " + failure));
      return post_end(s->id, "the offer cannot be answered: " + failure);
    }
    if (!respond)
      return;
    http::response res{bhttp::status::created, 11};
    res.set(bhttp::field::content_type, "application/sdp");
    res.set(bhttp::field::location, "/whip/" + s->channel + "/" + s->id);
    res.set(bhttp::field::cache_control, "no-store");
    res.body() = std::move(answer);
    respond(cors(std::move(res)));
    std::clog << "whip: session " << s->id << " of channel " << s->channel << " answered for "
              << s->peer_address << std::endl;
  }

  // The key was checked: start the receiver (on the io_context).
  void opened(const std::shared_ptr<session>& s, ingest::open_result result, std::string offer,
              std::string layout, http::respond_fn respond) {
    if (!result.sink) {
      {
        std::lock_guard lock{mu};
        sessions.erase(s->id);
      }
      log_refusal(s->peer_address, s->channel, result.reject_reason);
      return respond(refusal(result.reject_reason));
    }
    {
      std::lock_guard lock{mu};
      if (!sessions.count(s->id)) {  // stopped, or the channel's owner ended it already
        result.sink->close("ended before it started");
        return respond(error(503, "unavailable", "the stream was ended"));
      }
    }
    {
      std::lock_guard lock{s->mu};
      s->sink = std::move(result.sink);
      s->respond = std::move(respond);
    }
    std::weak_ptr<session> weak_session = s;
    peer_callbacks callbacks;
    callbacks.answered = [self = shared_from_this(), weak_session](std::string answer,
                                                                   std::string failure) {
      if (auto s = weak_session.lock())
        self->answered(s, std::move(answer), std::move(failure));
    };
    callbacks.media = [weak_session](std::span<const std::byte> bytes) {
      if (auto s = weak_session.lock()) {
        std::lock_guard lock{s->mu};
        if (!s->closed && s->sink)
          s->sink->write(bytes);
      }
    };
    callbacks.ended = [weak = weak_from_this(), id = s->id](std::string reason) {
      if (auto self = weak.lock())
        self->post_end(id, std::move(reason));
    };
    std::unique_ptr<peer> rtc;
    try {
      rtc = factory.start(offer, layout, std::move(callbacks));
    } catch (const std::exception& e) {
      return end(s->id, std::string{"cannot start the WebRTC receiver: "} + e.what(), 400);
    }
    std::lock_guard lock{s->mu};
    if (!s->closed)
      s->rtc = std::move(rtc);
    else  // ended meanwhile: stop it outside the lock, on this thread
      asio::post(io, [rtc = std::shared_ptr<peer>(std::move(rtc))] {});
  }

  void post(http::request& req, const target& t, std::string_view query,
            const std::string& peer_address, const http::respond_fn& respond) {
    if (!is_sdp(req[bhttp::field::content_type]))
      return respond(error(415, "unsupported_media_type", "the offer must be application/sdp"));
    if (req.body().size() > max_offer_bytes)
      return respond(error(413, "payload_too_large", "the offer is larger than 64 KiB"));
    auto key = bearer_token(req[bhttp::field::authorization]);
    if (key.empty() || channel_of_key(key) != t.channel) {
      log_refusal(peer_address, t.channel,
                  key.empty() ? "no bearer token" : "the key is not this channel's");
      return respond(refusal("stream key"));
    }
    auto layout = parse_layout(query);
    if (!layout)
      return respond(error(400, "bad_layout",
                           "layout must be screen, camera, screen+camera or side-by-side"));
    auto shape = offer_shape_error(req.body());
    if (shape.empty() && factory.offer_error)
      shape = factory.offer_error(req.body());
    if (!shape.empty())
      return respond(error(400, "bad_offer", shape));

    auto s = std::make_shared<session>();
    s->id = runtime::random_hex(16);
    s->channel = t.channel;
    s->key = key;
    s->peer_address = peer_address;
    {
      std::lock_guard lock{mu};
      if (stopped)
        return respond(error(503, "unavailable", "the node is stopping"));
      if (sessions.size() >= options.max_sessions)
        return respond(error(503, "unavailable", "too many browser streams on this node"));
      sessions.emplace(s->id, s);
    }
    ingest::publish_request request;
    request.protocol = "whip";
    request.stream_key = std::move(key);
    request.peer = peer_address;
    request.format = ingest::container::flv;
    request.disconnect = [weak = weak_from_this(), id = s->id](std::string reason) {
      if (auto self = weak.lock())
        self->post_end(id, std::move(reason));
    };
    handler.open(std::move(request), [weak = weak_from_this(), s, offer = std::move(req.body()),
                                      layout = *layout,
                                      respond](ingest::open_result result) mutable {
      auto self = weak.lock();
      if (!self) {
        if (result.sink)
          result.sink->close("node stopping");
        return respond(error(503, "unavailable", "the node is stopping"));
      }
      asio::post(self->io, [self, s, result = std::move(result), offer = std::move(offer),
                            layout = std::move(layout), respond]() mutable {
        self->opened(s, std::move(result), std::move(offer), std::move(layout), respond);
      });
    });
  }

  void remove(http::request& req, const target& t, const http::respond_fn& respond) {
    auto key = bearer_token(req[bhttp::field::authorization]);
    std::shared_ptr<session> s;
    {
      std::lock_guard lock{mu};
      auto it = sessions.find(t.session);
      if (it != sessions.end() && it->second->channel == t.channel)
        s = it->second;
    }
    if (!s)
      return respond(error(404, "not_found", "no such WHIP session"));
    if (!runtime::constant_time_equal(key, s->key)) {
      auto res = error(401, "unauthorized", "the session's stream key is required");
      res.set(bhttp::field::www_authenticate, "Bearer");
      return respond(std::move(res));
    }
    asio::post(io, [self = shared_from_this(), id = s->id, respond] {
      self->end(id, "the publisher ended the stream", 503);
      auto res = cors(http::json_response(200, R"({"ended":true})"));
      respond(std::move(res));
    });
  }
};

endpoint::endpoint(asio::io_context& io, ingest::ingest_handler& handler, peer_factory factory,
                   endpoint_options options)
    : impl_(std::make_shared<impl>(io, handler, std::move(factory), options)) {
  asio::post(io, [weak = std::weak_ptr<impl>(impl_)] {
    if (auto self = weak.lock())
      self->arm_watchdog();
  });
}

endpoint::~endpoint() { stop(); }

void endpoint::stop() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock{impl_->mu};
    if (impl_->stopped)
      return;
    impl_->stopped = true;
    for (auto& [id, s] : impl_->sessions)
      ids.push_back(id);
  }
  impl_->watchdog.cancel();
  for (auto& id : ids)
    impl_->end(id, "node stopping", 503);
}

std::size_t endpoint::sessions() const {
  std::lock_guard lock{impl_->mu};
  return impl_->sessions.size();
}

bool endpoint::handle(http::request& req, std::string_view path, std::string_view query,
                      const std::string& peer_address, const http::respond_fn& respond) {
  if (path.substr(0, 6) != "/whip/")
    return false;
  auto t = parse_target(path);
  if (!t) {
    respond(error(404, "not_found", "expected /whip/{channel} or /whip/{channel}/{session}"));
    return true;
  }
  const char* allow = t->session.empty() ? "POST, OPTIONS" : "DELETE, OPTIONS";
  switch (req.method()) {
    case bhttp::verb::options: {
      http::response res{bhttp::status::no_content, 11};
      res.set(bhttp::field::allow, allow);
      res.set(bhttp::field::access_control_allow_methods, allow);
      res.set(bhttp::field::access_control_allow_headers, "Authorization, Content-Type, If-Match");
      res.set(bhttp::field::access_control_max_age, "86400");
      if (t->session.empty())
        res.set("Accept-Post", "application/sdp");
      respond(cors(std::move(res)));
      return true;
    }
    case bhttp::verb::post:
      if (t->session.empty()) {
        impl_->post(req, *t, query, peer_address, respond);
        return true;
      }
      break;
    case bhttp::verb::delete_:
      if (!t->session.empty()) {
        impl_->remove(req, *t, respond);
        return true;
      }
      break;
    default: break;
  }
  // PATCH included: this endpoint gathers every candidate before answering (no trickle ICE,
  // no ICE restart), which RFC 9725 §4.3.1 answers with 405.
  auto res = error(405, "method_not_allowed", std::string{"allowed here: "} + allow);
  res.set(bhttp::field::allow, allow);
  respond(std::move(res));
  return true;
}

}  // namespace aethex::net::whip

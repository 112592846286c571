#include "net/srt/server.hpp"

#include "net/srt/handles.hpp"
#include "net/srt/streamid.hpp"
#include "runtime/limits.hpp"

#include <srt/access_control.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

namespace aethex::net::srt {

using clock = std::chrono::steady_clock;

namespace {

// One line per event, written with a single call so lines from several threads do not interleave.
void log_line(const std::string& text) { std::clog << ("srt: " + text + "\n") << std::flush; }

std::string describe(const sockaddr* sa) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (sa && sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    return std::string{text} + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (sa && sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    return "[" + std::string{text} + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  return "unknown peer";
}

// The peer's address without the port, as limits count it (runtime::address_key).
std::string address_key_of(const sockaddr* sa) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (sa && sa->sa_family == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
  else if (sa && sa->sa_family == AF_INET6)
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text, sizeof text);
  return runtime::address_key(text);
}

template <class T>
void set_option(SRTSOCKET s, SRT_SOCKOPT option, const T& value, const char* what) {
  if (srt_setsockflag(s, option, &value, sizeof value) == SRT_ERROR)
    throw std::runtime_error(std::string{"cannot set SRT option "} + what + ": " + last_error());
}

// Plain ints: srt.h declares operator| on SRT_EPOLL_OPT, which is not constexpr.
constexpr int read_events = int{SRT_EPOLL_IN} | int{SRT_EPOLL_ERR};
constexpr std::size_t batch_bytes = 64 * 1024;  // delivered to the sink in runs up to this size
constexpr std::size_t max_message = 1500;       // live-mode payloads are at most 1456 bytes

// A publisher's socket and where its bytes go. Owned and touched by the receiver thread only.
struct connection {
  std::uint64_t id = 0;  // SRT reuses socket numbers eventually; answers are matched by id
  socket sock;
  std::string peer;
  std::shared_ptr<ingest::ingest_sink> sink;  // null until the handler accepted the key
  std::vector<std::byte> pending;             // bytes received while the handler decides
  clock::time_point accepted{};
  clock::time_point last_data{};
  runtime::connection_caps::slot place;  // in the server's caps until the entry goes
};

// The handler's answers, handed from whatever thread it runs on to the receiver thread.
struct mailbox {
  struct answer {
    SRTSOCKET sock;
    std::uint64_t id;
    ingest::open_result result;
  };
  struct hang_up {
    SRTSOCKET sock;
    std::uint64_t id;
    std::string reason;
  };
  std::mutex mu;
  bool closed = false;  // receiver is gone: late answers close their sinks right here
  std::vector<answer> answers;
  std::vector<hang_up> hang_ups;  // connections the channel's owner ended

  void post(hang_up h) {
    std::lock_guard lock{mu};
    if (!closed && hang_ups.size() < 1024)
      hang_ups.push_back(std::move(h));
  }
  std::vector<hang_up> take_hang_ups() {
    std::lock_guard lock{mu};
    return std::exchange(hang_ups, {});
  }

  void post(answer a) {
    {
      std::lock_guard lock{mu};
      if (!closed) {
        answers.push_back(std::move(a));
        return;
      }
    }
    if (a.result.sink)
      a.result.sink->close("server stopping");
  }
  std::vector<answer> take() {
    std::lock_guard lock{mu};
    return std::exchange(answers, {});
  }
};

}  // namespace

struct server::impl {
  impl(const endpoint& ep, ingest::ingest_handler& h, server_options o)
      : handler(h), opt(std::move(o)),
        caps({opt.max_connections, opt.max_connections_per_address}) {
    if (!opt.passphrase.empty() && (opt.passphrase.size() < 10 || opt.passphrase.size() > 79))
      throw std::invalid_argument("SRT passphrase must be 10 to 79 characters long");
    if (opt.pbkeylen != 16 && opt.pbkeylen != 24 && opt.pbkeylen != 32)
      throw std::invalid_argument("SRT key length must be 16, 24 or 32 bytes");
    if (!poller)
      throw std::runtime_error("cannot create SRT epoll: " + last_error());
    listen(ep);
    receiver = std::thread{[this] { run(); }};
  }

  ~impl() { stop(); }

  void listen(const endpoint& ep) {
    sockaddr_storage addr{};
    int addr_len = 0;
    if (auto* in = reinterpret_cast<sockaddr_in*>(&addr);
        ::inet_pton(AF_INET, ep.address.c_str(), &in->sin_addr) == 1) {
      in->sin_family = AF_INET;
      in->sin_port = htons(ep.port);
      addr_len = sizeof(sockaddr_in);
    } else if (auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
               ::inet_pton(AF_INET6, ep.address.c_str(), &in6->sin6_addr) == 1) {
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(ep.port);
      addr_len = sizeof(sockaddr_in6);
    } else {
      throw std::invalid_argument("not an IP address: " + ep.address);
    }

    listener = socket{srt_create_socket()};
    if (!listener)
      throw std::runtime_error("cannot create SRT socket: " + last_error());
    const SRTSOCKET s = listener.get();
    set_option(s, SRTO_TRANSTYPE, SRTT_LIVE, "SRTO_TRANSTYPE");
    set_option(s, SRTO_RCVSYN, false, "SRTO_RCVSYN");  // accept/recv never block the loop
    set_option(s, SRTO_RCVLATENCY, static_cast<int>(opt.latency.count()), "SRTO_RCVLATENCY");
    if (!opt.passphrase.empty()) {
      // Accepted sockets inherit these; with SRTO_ENFORCEDENCRYPTION (the default) a caller
      // without the right passphrase is refused during the handshake.
      if (srt_setsockflag(s, SRTO_PASSPHRASE, opt.passphrase.data(),
                          static_cast<int>(opt.passphrase.size())) == SRT_ERROR)
        throw std::runtime_error("cannot set the SRT passphrase");  // no details: it is a secret
      set_option(s, SRTO_PBKEYLEN, opt.pbkeylen, "SRTO_PBKEYLEN");
    }
    if (srt_bind(s, reinterpret_cast<sockaddr*>(&addr), addr_len) == SRT_ERROR)
      throw std::runtime_error("cannot bind SRT to " +
                               describe(reinterpret_cast<sockaddr*>(&addr)) + ": " + last_error());
    if (srt_listen_callback(s, &impl::on_handshake, this) == SRT_ERROR ||
        srt_listen(s, 16) == SRT_ERROR)
      throw std::runtime_error("cannot listen on SRT socket: " + last_error());
    sockaddr_storage bound{};
    int bound_len = sizeof bound;
    if (srt_getsockname(s, reinterpret_cast<sockaddr*>(&bound), &bound_len) == SRT_ERROR)
      throw std::runtime_error("cannot read the SRT socket address: " + last_error());
    port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                             : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    if (srt_epoll_add_usock(poller.get(), s, &read_events) == SRT_ERROR)
      throw std::runtime_error("cannot watch the SRT listener: " + last_error());
    log_line("listening on " + describe(reinterpret_cast<sockaddr*>(&bound)));
  }

  // libsrt's listen callback, on its own thread, during the handshake: returning -1 refuses the
  // caller with the reason set on `ns`. Only the syntax is checked here; the key check needs the
  // (asynchronous) handler and happens after accept.
  static int on_handshake(void* opaque, SRTSOCKET ns, int hs_version, const sockaddr* peer,
                          const char* streamid) {
    auto* self = static_cast<impl*>(opaque);
    auto refuse = [&](int code, const std::string& reason) {
      srt_setrejectreason(ns, code);
      if (code != SRT_REJX_OVERLOAD)
        log_line("publish rejected from " + describe(peer) + ": " + reason);
      else if (auto held_back = self->refusals_log.admit())  // a flood must not flood the log
        log_line("publish rejected from " + describe(peer) + ": " + reason +
                 (*held_back ? " (" + std::to_string(*held_back) + " more refused)" : ""));
      return -1;
    };
    if (self->stopping.load())
      return refuse(SRT_REJX_DOWN, "server stopping");
    if (hs_version < 5)  // HSv4 callers (libsrt < 1.3) cannot send a streamid
      return refuse(SRT_REJX_VERSION, "SRT version too old to send a stream id");
    const auto parsed = parse_streamid(streamid ? std::string_view{streamid} : std::string_view{});
    if (!parsed)
      return refuse(reject_code(parsed.error), parsed.reason);
    if (auto why = self->caps.check(address_key_of(peer));
        why != runtime::connection_caps::refusal::none)
      return refuse(SRT_REJX_OVERLOAD, runtime::to_string(why));
    return 0;
  }

  void run() {
    std::array<SRT_EPOLL_EVENT, 64> events{};
    while (!stopping.load()) {
      const int n = srt_epoll_uwait(poller.get(), events.data(), static_cast<int>(events.size()),
                                    50);
      for (int i = 0; i < n; ++i) {
        if (events[i].fd == listener.get())
          accept_one();
        else
          on_readable(events[i].fd, events[i].events);
      }
      if (n < 0 && srt_getlasterror(nullptr) != SRT_ETIMEOUT)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // never spin on an error
      take_answers();
      expire(clock::now());
    }
    while (!connections.empty())
      close(connections.begin(), "server stopping");
    srt_epoll_remove_usock(poller.get(), listener.get());
    listener.reset();
    {
      std::lock_guard lock{box->mu};
      box->closed = true;
    }
    for (auto& a : box->take())
      if (a.result.sink)
        a.result.sink->close("server stopping");
  }

  // One per readiness event: the epoll is level-triggered, and an srt_accept with nothing queued
  // makes libsrt log an error line.
  void accept_one() {
    sockaddr_storage addr{};
    int addr_len = sizeof addr;
    socket sock{srt_accept(listener.get(), reinterpret_cast<sockaddr*>(&addr), &addr_len)};
    if (!sock)
      return;
    auto peer = describe(reinterpret_cast<sockaddr*>(&addr));
    // The handshake checked the caps already; callers that raced past it are closed here.
    auto admission = caps.admit(address_key_of(reinterpret_cast<sockaddr*>(&addr)));
    if (!admission.held) {
      if (auto held_back = refusals_log.admit())
        log_line("refusing " + peer + ": " + runtime::to_string(admission.why) +
                 (*held_back ? " (" + std::to_string(*held_back) + " more refused)" : ""));
      return;  // the socket closes as it goes out of scope
    }
    std::array<char, max_streamid_length + 1> sid{};
    int sid_len = static_cast<int>(sid.size());
    if (srt_getsockflag(sock.get(), SRTO_STREAMID, sid.data(), &sid_len) == SRT_ERROR)
      sid_len = 0;
    auto parsed = parse_streamid(std::string_view{sid.data(), static_cast<std::size_t>(sid_len)});
    if (!parsed) {  // the callback refuses these already; kept as a safety net
      log_line("publish rejected from " + peer + ": " + parsed.reason);
      return;
    }
    const bool blocking = false;  // inherited from the listener already; made explicit
    if (srt_setsockflag(sock.get(), SRTO_RCVSYN, &blocking, sizeof blocking) == SRT_ERROR ||
        srt_epoll_add_usock(poller.get(), sock.get(), &read_events) == SRT_ERROR) {
      log_line("dropping " + peer + ": " + last_error());
      return;
    }
    const SRTSOCKET s = sock.get();
    const auto id = next_id++;
    const auto now = clock::now();
    connections.emplace(
      s, connection{id, std::move(sock), peer, nullptr, {}, now, now, std::move(admission.held)});
    log_line("publish request from " + peer);
    ingest::publish_request request{"srt", "", std::move(parsed.key), peer,
                                    ingest::container::mpegts};
    request.disconnect = [box = box, s, id](std::string reason) {
      box->post(mailbox::hang_up{s, id, std::move(reason)});
    };
    // The handler may answer on any thread (or at once, on this one): the mailbox hops back.
    handler.open(std::move(request), [box = box, s, id](ingest::open_result r) {
      box->post({s, id, std::move(r)});
    });
  }

  using iterator = std::unordered_map<SRTSOCKET, connection>::iterator;

  void on_readable(SRTSOCKET s, int events) {
    auto it = connections.find(s);
    if (it == connections.end()) {
      srt_epoll_remove_usock(poller.get(), s);
      return;
    }
    std::vector<std::byte> batch;
    bool lost = false;
    std::array<char, max_message> buf{};
    while (true) {
      const int n = srt_recvmsg2(s, buf.data(), static_cast<int>(buf.size()), nullptr);
      if (n <= 0) {
        lost = n < 0 && srt_getlasterror(nullptr) != SRT_EASYNCRCV;
        break;
      }
      const auto* p = reinterpret_cast<const std::byte*>(buf.data());
      batch.insert(batch.end(), p, p + n);
      if (batch.size() >= batch_bytes && !deliver(it, batch))
        return;
    }
    if (!batch.empty() && !deliver(it, batch))
      return;
    if (lost || (events & SRT_EPOLL_ERR))
      close(it, "publisher disconnected");
  }

  // Hands received bytes to the sink, or holds them until the handler answers. False when the
  // connection had to be closed.
  bool deliver(iterator it, std::vector<std::byte>& batch) {
    auto& c = it->second;
    c.last_data = clock::now();
    if (c.sink) {
      c.sink->write(batch);
    } else if (c.pending.size() + batch.size() <= opt.max_pending_bytes) {
      c.pending.insert(c.pending.end(), batch.begin(), batch.end());
    } else {
      close(it, "too much data before the stream key was checked");
      return false;
    }
    batch.clear();
    return true;
  }

  void take_answers() {
    for (auto& h : box->take_hang_ups()) {
      auto it = connections.find(h.sock);
      if (it != connections.end() && it->second.id == h.id)
        close(it, h.reason);
    }
    for (auto& a : box->take()) {
      auto it = connections.find(a.sock);
      if (it == connections.end() || it->second.id != a.id) {
        if (a.result.sink)
          a.result.sink->close("publisher gone");
        continue;
      }
      auto& c = it->second;
      if (!a.result.sink) {
        const auto& why = a.result.reject_reason;
        log_line("publish rejected from " + c.peer + ": " +
                 (why.empty() ? std::string{"rejected"} : why));
        close(it, {});
        continue;
      }
      c.sink = std::move(a.result.sink);
      c.last_data = clock::now();  // the idle limit applies from now on
      log_line("publishing from " + c.peer);
      if (!c.pending.empty()) {
        c.sink->write(c.pending);
        c.pending = {};
      }
    }
  }

  void expire(clock::time_point now) {
    for (auto it = connections.begin(); it != connections.end();) {
      auto next = std::next(it);
      const auto& c = it->second;
      if (c.sink && now - c.last_data >= opt.idle_timeout)
        close(it, "timeout: no data while publishing");
      else if (!c.sink && now - c.accepted >= opt.open_timeout)
        close(it, "timeout: stream key not checked in time");
      it = next;
    }
  }

  // Ends a connection: the sink (if any) is closed exactly once, because the entry goes away.
  // An empty reason closes silently (the caller logged already).
  void close(iterator it, const std::string& reason) {
    auto& c = it->second;
    srt_epoll_remove_usock(poller.get(), c.sock.get());
    if (c.sink)
      c.sink->close(reason);
    if (!reason.empty())
      log_line("closed " + c.peer + ": " + reason);
    connections.erase(it);  // srt_close()s the socket and gives its place back
  }

  void stop() {
    stopping.store(true);
    std::lock_guard lock{stop_mu};
    if (receiver.joinable() && receiver.get_id() != std::this_thread::get_id())
      receiver.join();
  }

  library lib;  // first: libsrt stays up until every handle below is gone
  ingest::ingest_handler& handler;
  const server_options opt;
  epoll poller;
  socket listener;
  unsigned short port = 0;
  std::atomic<bool> stopping{false};
  runtime::connection_caps caps;  // thread-safe: the handshake callback reads it too
  runtime::log_throttle refusals_log;
  std::shared_ptr<mailbox> box = std::make_shared<mailbox>();
  std::unordered_map<SRTSOCKET, connection> connections;  // receiver thread only
  std::uint64_t next_id = 1;
  std::mutex stop_mu;
  std::thread receiver;  // last: started once everything above exists
};

server::server(endpoint ep, ingest::ingest_handler& handler, server_options options)
    : impl_(std::make_unique<impl>(ep, handler, std::move(options))) {}

server::~server() { stop(); }

unsigned short server::port() const { return impl_->port; }

void server::stop() { impl_->stop(); }

}  // namespace aethex::net::srt

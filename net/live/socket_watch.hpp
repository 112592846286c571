// Watch time from a WebSocket media viewer's socket: a player that names itself in the socket's
// URL (`/ws/media/<channel>?vid=<viewer id>&src=<source>[&ref=<host>]`) is reported to
// analytics/<channel> as its own heartbeats would be — a beat when media starts flowing, one
// every 15 s while it flows, and `ended` when the socket closes. So the socket's lifetime
// counts even when the page's beats stop early (a killed tab sends no `ended`), and the
// page's own beats with the same viewer id only continue the same span (docs/analytics.md).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <caf/actor.hpp>

namespace aethex::live {

class socket_watch {
 public:
  /// nullptr when `query` has no valid `vid` (or an unknown `src`): nothing is reported.
  static std::shared_ptr<socket_watch> from_query(caf::actor registry, std::string channel,
                                                  std::string_view query);
  socket_watch(caf::actor registry, std::string channel, std::string viewer, std::string source,
               std::string referrer);
  ~socket_watch();  // the `ended` beat
  socket_watch(const socket_watch&) = delete;
  socket_watch& operator=(const socket_watch&) = delete;

  /// Media reached the socket (any thread): a beat when the last one is 15 s old.
  void on_media();

 private:
  void beat(bool ended);

  caf::actor registry_;
  std::string channel_, viewer_, source_, referrer_;
  std::atomic<std::int64_t> last_beat_ms_{0};  // steady clock; 0 before the first
};

}  // namespace aethex::live

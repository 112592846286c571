#include "net/live/socket_watch.hpp"

#include "actors/analytics/analytics.hpp"
#include "actors/core/entity_ref.hpp"
#include "net/live/live_context.hpp"

namespace aethex::live {
namespace {

using analytics_ref = actors::entity_ref<actors::analytics_protocol>;

// The players' beat interval (net/web), so both kinds of beat credit alike.
constexpr std::int64_t beat_every_ms = 15'000;

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

}  // namespace

std::shared_ptr<socket_watch> socket_watch::from_query(caf::actor registry, std::string channel,
                                                       std::string_view query) {
  auto vid = query_param(query, "vid");
  if (!vid || !actors::valid_viewer_id(*vid))
    return nullptr;
  auto source = query_param(query, "src").value_or("direct");
  if (!actors::valid_watch_source(source))
    return nullptr;
  auto referrer = query_param(query, "ref").value_or("");
  if (referrer.size() > actors::analytics_limits::max_referrer_chars)
    referrer.clear();
  return std::make_shared<socket_watch>(std::move(registry), std::move(channel), "v:" + *vid,
                                        std::move(source), std::move(referrer));
}

socket_watch::socket_watch(caf::actor registry, std::string channel, std::string viewer,
                           std::string source, std::string referrer)
    : registry_(std::move(registry)), channel_(std::move(channel)), viewer_(std::move(viewer)),
      source_(std::move(source)), referrer_(std::move(referrer)) {}

socket_watch::~socket_watch() {
  if (last_beat_ms_.load() != 0)
    beat(true);
}

void socket_watch::on_media() {
  auto now = steady_ms();
  auto last = last_beat_ms_.load();
  if (last != 0 && now - last < beat_every_ms)
    return;
  // One thread wins the beat when several deliver at once.
  if (last_beat_ms_.compare_exchange_strong(last, now))
    beat(false);
}

void socket_watch::beat(bool ended) {
  analytics_ref{registry_, channel_}.tell(actors::analytics_beat_atom::value,
                                          actors::watch_beat{viewer_, source_, referrer_, ended});
}

}  // namespace aethex::live

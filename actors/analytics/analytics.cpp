#include "actors/analytics/analytics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <unordered_map>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/analytics/analytics_events.hpp"
#include "actors/core/event_sourced.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
namespace ev = analytics_events;
namespace lim = analytics_limits;

// The entity's own timer (real time) closes minutes when no beat comes; what is due is decided
// on the injected clock, so tests move a manual clock and ask analytics_tick_atom instead.
using analytics_timer_atom = caf::atom_constant<caf::atom("antimer")>;
constexpr auto tick_every = 5s;
// One event a minute while watched: snapshots keep activations short.
constexpr std::uint64_t snapshot_every = 16;
// The lapse queue gets a span's newest beat at most this often (bounds it by open spans).
constexpr std::int64_t requeue_ms = 5'000;

std::int64_t minute_of(std::int64_t ms) { return ms - ms % lim::minute_ms; }

struct span {
  std::int64_t last_ms = 0;
  std::int64_t queued_ms = 0;  // the beat time it has in the lapse queue
};

// The figures of the minute being counted.
struct minute_figures {
  std::int64_t minute_ms = 0;
  std::uint32_t peak = 0;
  std::unordered_map<std::string, std::int64_t> watch_ms;
  std::vector<ev::view_started> views;
  std::map<std::string, std::uint64_t> extra_views;

  bool empty() const { return peak == 0 && watch_ms.empty() && views.empty(); }
  std::uint64_t watch_s() const {
    std::int64_t total = 0;
    for (auto& [_, ms] : watch_ms)
      total += ms;
    return static_cast<std::uint64_t>((total + 500) / 1000);
  }
};

struct analytics_state {
  static constexpr std::string_view kind = "analytics";
  using events = event_list<ev::minute>;

  std::int64_t last_written = 0;
  // In memory only: a restart or a move of the partition ends the open spans (their viewers'
  // next beats start new views) and loses the minute being counted.
  std::unordered_map<std::string, span> spans;
  std::deque<std::pair<std::int64_t, std::string>> lapse_queue;  // (beat time, key), in order
  minute_figures minute;

  bool active() const { return !spans.empty() || !minute.empty(); }
  bool known() const { return active() || last_written != 0; }
  bool keep_active() const { return active(); }

  void apply(const ev::minute& e, const event_meta&) {
    last_written = std::max(last_written, e.minute_ms);
  }
  std::string snapshot() const { return json{{"last_written", last_written}}.dump(); }
  void restore(const std::string& text) {
    last_written = json::parse(text).value("last_written", std::int64_t{0});
  }
};

using analytics_actor = caf::stateful_actor<event_sourced<analytics_state>>;

// Drops the spans whose last beat is more than span_gap_ms before `now`: they ended there.
void expire(analytics_state& st, std::int64_t now) {
  while (!st.lapse_queue.empty() && st.lapse_queue.front().first < now - lim::span_gap_ms) {
    auto [queued, key] = std::move(st.lapse_queue.front());
    st.lapse_queue.pop_front();
    auto it = st.spans.find(key);
    if (it == st.spans.end() || it->second.queued_ms != queued)
      continue;  // ended, or queued again since
    if (it->second.last_ms < now - lim::span_gap_ms) {
      st.spans.erase(it);
    } else {  // beats came in between without a place in the queue
      it->second.queued_ms = it->second.last_ms;
      st.lapse_queue.emplace_back(it->second.last_ms, std::move(key));
    }
  }
}

ev::minute minute_event(minute_figures& m) {
  ev::minute e;
  e.minute_ms = m.minute_ms;
  e.peak_viewers = m.peak;
  for (auto& [key, ms] : m.watch_ms)
    if (auto s = static_cast<std::uint64_t>((ms + 500) / 1000); s > 0)
      e.watch_s[key] = s;
  e.views = std::move(m.views);
  e.extra_views = std::move(m.extra_views);
  return e;
}

// Writes the minute being counted when it is over by `now` (or at once with `flush`); answers
// how many events it wrote.
caf::expected<std::uint32_t> close_minute(analytics_actor* self, std::int64_t now,
                                          bool flush = false) {
  auto& st = self->state;
  expire(st, now);
  if (st.minute.empty() || (!flush && minute_of(now) <= st.minute.minute_ms))
    return std::uint32_t{0};
  auto e = minute_event(st.minute);
  st.minute = minute_figures{};
  if (auto err = st.emit(e))
    return err;
  return std::uint32_t{1};
}

caf::result<bool> beat(analytics_actor* self, const watch_beat& b) {
  auto& st = self->state;
  st.touch();
  if (b.viewer.size() < 3 || b.viewer.size() > lim::max_viewer_chars + 2 ||
      !valid_watch_source(b.source) || b.referrer.size() > lim::max_referrer_chars)
    return make_error(errc::invalid_argument, "malformed watch beat");
  auto now = st.clock().now_ms();
  if (auto closed = close_minute(self, now); !closed)
    return closed.error();
  if (st.minute.empty())
    st.minute.minute_ms = minute_of(now);
  auto it = st.spans.find(b.viewer);
  if (it != st.spans.end() && now - it->second.last_ms > lim::span_gap_ms) {
    st.spans.erase(it);  // lapsed before the queue said so: it ended at its last beat
    it = st.spans.end();
  }
  if (it == st.spans.end()) {
    if (b.ended)
      return true;  // nothing open to end
    if (st.spans.size() >= lim::max_open_spans)
      return make_error(errc::rate_limited, "too many viewers are being counted", "busy", 15);
    it = st.spans.emplace(b.viewer, span{now, now}).first;
    st.lapse_queue.emplace_back(now, b.viewer);
    if (st.minute.views.size() < lim::max_minute_views)
      st.minute.views.push_back({b.viewer, b.source, b.referrer});
    else
      ++st.minute.extra_views[b.source];
  } else {
    // The gap since the previous beat, whatever its length: beats in quick succession (two
    // tabs, a reload) credit their real time once.
    auto& s = it->second;
    auto credit = std::max<std::int64_t>(0, now - s.last_ms);
    auto watched = st.minute.watch_ms.find(b.viewer);
    if (watched != st.minute.watch_ms.end())
      watched->second += credit;
    else if (credit > 0 && st.minute.watch_ms.size() < lim::max_minute_watchers)
      st.minute.watch_ms.emplace(b.viewer, credit);
    else if (credit > 0)  // spans churned through by the thousand: bounded in memory too
      st.minute.watch_ms[std::string{ev::other_watchers}] += credit;
    s.last_ms = now;
    if (now - s.queued_ms >= requeue_ms) {
      s.queued_ms = now;
      st.lapse_queue.emplace_back(now, b.viewer);
    }
  }
  // The span is open at this instant, even when this beat ends it.
  st.minute.peak = std::max(st.minute.peak, static_cast<std::uint32_t>(st.spans.size()));
  if (b.ended)
    st.spans.erase(it);
  return true;
}

analytics_live_view live_view(const analytics_state& st, const std::string& channel) {
  analytics_live_view v;
  v.channel = channel;
  v.open_spans = static_cast<std::uint32_t>(st.spans.size());
  v.minute_ms = st.minute.empty() ? 0 : st.minute.minute_ms;
  v.minute_peak = st.minute.peak;
  v.minute_watch_s = st.minute.watch_s();
  v.minute_views = static_cast<std::uint32_t>(st.minute.views.size());
  for (auto& [_, n] : st.minute.extra_views)
    v.minute_views += static_cast<std::uint32_t>(n);
  v.last_written_minute_ms = st.last_written;
  return v;
}

caf::behavior analytics_behavior(analytics_actor* self, caf::actor registry,
                                 storage::event_store* store, std::string id,
                                 const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = snapshot_every;
  if (auto err = st.activate(self, *store, id, opts))
    return st.refuse(self, std::move(err));
  self->delayed_send(self, tick_every, analytics_timer_atom::value);
  return {
    [self](analytics_beat_atom, const watch_beat& b) { return beat(self, b); },
    [self](analytics_tick_atom) -> caf::result<std::uint32_t> {
      auto closed = close_minute(self, self->state.clock().now_ms());
      if (!closed)
        return closed.error();
      return *closed;
    },
    [self](analytics_flush_atom) -> caf::result<std::uint32_t> {
      self->state.touch();
      auto closed = close_minute(self, self->state.clock().now_ms(), true);
      if (!closed)
        return closed.error();
      return *closed;
    },
    [self](analytics_timer_atom) {
      if (auto closed = close_minute(self, self->state.clock().now_ms()); !closed)
        caf::aout(self) << "analytics/" << self->state.id() << ": " << message_of(closed.error())
                        << "\n";
      self->delayed_send(self, tick_every, analytics_timer_atom::value);
    },
    [self](get_atom) {
      self->state.touch();
      return live_view(self->state, self->state.id());
    },
    // The partition moves: what was counted of the current minute is written before the new
    // owner counts the rest (the projection adds the two events up).
    [self](passivate_atom) {
      (void)close_minute(self, self->state.clock().now_ms(), true);
      self->quit();
    },
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

bool valid_watch_source(std::string_view source) {
  static constexpr std::array<std::string_view, 8> sources = {
    "direct", "browse", "search", "following", "notification", "raid", "embed", "external"};
  return std::find(sources.begin(), sources.end(), source) != sources.end();
}

bool valid_viewer_id(std::string_view viewer) {
  if (viewer.empty() || viewer.size() > lim::max_viewer_chars)
    return false;
  return std::all_of(viewer.begin(), viewer.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

void add_analytics_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                        const runtime::clock& clock) {
  kinds.factories["analytics"] =
    [&store, &clock](caf::actor_system& sys, const caf::actor& registry, const std::string& id) {
      return sys.spawn(analytics_behavior, registry, &store, id, &clock);
    };
}

}  // namespace aethex::actors

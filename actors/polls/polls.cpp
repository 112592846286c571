#include "actors/polls/polls.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/engagement/engagement.hpp"
#include "actors/polls/poll.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

// Timers of the entity itself (never sent by others).
using poll_flush_atom = caf::atom_constant<caf::atom("pollflush")>;
using poll_frame_atom = caf::atom_constant<caf::atom("pollframe")>;
using poll_timer_atom = caf::atom_constant<caf::atom("polltimer")>;

namespace ev {
struct started {
  static constexpr std::string_view type = "poll.started";
  static constexpr std::uint32_t schema = 1;
  std::int64_t id = 0;
  std::string title;
  std::vector<std::string> choices;
  std::int64_t duration_s = 0;
  std::int64_t points_per_vote = 0;
  std::int64_t ends_at_ms = 0;
};
struct voted {
  static constexpr std::string_view type = "poll.voted";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::size_t choice = 0;
  std::int64_t votes = 0;
  std::int64_t points = 0;  // spent on these votes (refunded if they cannot be recorded)
};
struct ended {
  static constexpr std::string_view type = "poll.ended";
  static constexpr std::uint32_t schema = 1;
  std::int64_t id = 0;
  std::string by;  // "time" | "manager"
};

void to_json(json& j, const started& e) {
  j = json{{"id", e.id},
           {"title", e.title},
           {"choices", e.choices},
           {"duration_s", e.duration_s},
           {"points_per_vote", e.points_per_vote},
           {"ends_at_ms", e.ends_at_ms}};
}
void from_json(const json& j, started& e) {
  e.id = j.at("id").get<std::int64_t>();
  e.title = j.at("title").get<std::string>();
  e.choices = j.at("choices").get<std::vector<std::string>>();
  e.duration_s = j.at("duration_s").get<std::int64_t>();
  e.points_per_vote = j.value("points_per_vote", std::int64_t{0});
  e.ends_at_ms = j.at("ends_at_ms").get<std::int64_t>();
}
void to_json(json& j, const voted& e) {
  j = json{{"user", e.user}, {"choice", e.choice}, {"votes", e.votes}, {"points", e.points}};
}
void from_json(const json& j, voted& e) {
  e.user = j.at("user").get<std::string>();
  e.choice = j.at("choice").get<std::size_t>();
  e.votes = j.at("votes").get<std::int64_t>();
  e.points = j.value("points", std::int64_t{0});
}
void to_json(json& j, const ended& e) { j = json{{"id", e.id}, {"by", e.by}}; }
void from_json(const json& j, ended& e) {
  e.id = j.at("id").get<std::int64_t>();
  e.by = j.value("by", "");
}
}  // namespace ev

struct waiting_vote {
  ev::voted vote;
  caf::typed_response_promise<std::string> promise;
};

struct poll_state {
  static constexpr std::string_view kind = "poll";
  static inline const char* name = "poll";
  using events = event_list<ev::started, ev::voted, ev::ended>;

  poll_book book;
  std::vector<waiting_vote> batch;  // accepted (and paid), waiting for their write
  bool batch_armed = false;
  bool frame_dirty = false;  // votes counted since the last frame
  bool frame_armed = false;
  bool timer_armed = false;
  std::int64_t last_frame_ms = 0;

  // The poll's end timer and the votes on their way live in this actor.
  bool keep_active() const { return book.active() || book.in_flight() > 0; }

  void apply(const ev::started& e, const event_meta& meta) {
    poll_record p;
    p.id = e.id;
    p.title = e.title;
    for (auto& c : e.choices)
      p.choices.push_back({c, 0});
    p.active = true;
    p.started_at_ms = meta.timestamp_ms;
    p.ends_at_ms = e.ends_at_ms;
    p.duration_s = e.duration_s;
    p.points_per_vote = e.points_per_vote;
    book.start(std::move(p));
  }
  void apply(const ev::voted& e, const event_meta&) { book.count(e.user, e.choice, e.votes); }
  void apply(const ev::ended& e, const event_meta& meta) {
    if (const auto* p = book.latest(); p && p->id == e.id)
      book.end(meta.timestamp_ms);
  }

  std::string snapshot() const { return book.snapshot().dump(); }
  void restore(const std::string& text) { book.restore(json::parse(text)); }
};

using poll_actor = caf::stateful_actor<event_sourced<poll_state>>;

// Replay stays short, and a poll with many voters is not re-serialized on every batch.
constexpr std::uint64_t snapshot_every = 4096;
constexpr auto end_check_every = std::chrono::seconds(1);

json my_votes_json(const poll_state& st, const std::string& user) {
  auto mine = st.book.votes_of(user);
  if (!mine)
    return nullptr;
  return json{{"choice", mine->choice}, {"votes", mine->votes}};
}

json summary(poll_actor* self) {
  auto& st = self->state;
  const auto* p = st.book.latest();
  return json{{"channel", st.id()},
              {"poll", p ? poll_json(*p) : json(nullptr)},
              {"votes_in_flight", st.book.in_flight()},
              {"archived", st.book.archived()}};
}

void send_frame(poll_actor* self) {
  auto& st = self->state;
  const auto* p = st.book.latest();
  if (!p)
    return;
  st.frame_dirty = false;
  st.last_frame_ms = st.clock().now_ms();
  entity_ref<chat_protocol>{st.registry(), st.id()}.tell(
    chat_relay_atom::value, json{{"type", "poll"}, {"poll", poll_json(*p)}}.dump());
}

// Sends the counted votes now if the last frame is old enough, else once it is (coalescing).
void maybe_frame(poll_actor* self) {
  auto& st = self->state;
  if (!st.frame_dirty)
    return;
  auto wait = st.last_frame_ms + poll_frame_every.count() - st.clock().now_ms();
  if (wait <= 0)
    return send_frame(self);
  if (!st.frame_armed) {
    st.frame_armed = true;
    self->delayed_send(self, std::chrono::milliseconds(std::min(wait, poll_frame_every.count())),
                       poll_frame_atom::value);
  }
}

void arm_end_timer(poll_actor* self) {
  auto& st = self->state;
  if (st.timer_armed || !st.book.active())
    return;
  st.timer_armed = true;
  auto left = st.book.latest()->ends_at_ms - st.clock().now_ms();
  auto wait = std::clamp<std::int64_t>(left, 10, end_check_every.count() * 1000);
  self->delayed_send(self, std::chrono::milliseconds(wait), poll_timer_atom::value);
}

void refund(poll_actor* self, const ev::voted& vote) {
  if (vote.points > 0)
    entity_ref<engagement_protocol>{self->state.registry(), self->state.id()}.tell(
      points_refund_atom::value, vote.user, vote.points, std::string{"poll"});
}

// Appends every waiting vote in one write, then answers each (or refunds and refuses each).
void write_batch(poll_actor* self) {
  auto& st = self->state;
  if (st.batch.empty())
    return;
  auto waiting = std::exchange(st.batch, {});
  std::vector<ev::voted> votes;
  votes.reserve(waiting.size());
  for (auto& w : waiting) {
    votes.push_back(w.vote);
    st.book.release(w.vote.user);
  }
  if (auto err = st.emit_all(votes)) {
    for (auto& w : waiting) {
      refund(self, w.vote);
      w.promise.deliver(err);
    }
    return;
  }
  st.frame_dirty = true;
  maybe_frame(self);
  auto poll = poll_json(*st.book.latest());
  for (auto& w : waiting) {
    poll["my_votes"] = my_votes_json(st, w.vote.user);
    w.promise.deliver(poll.dump());
  }
}

void enqueue(poll_actor* self, ev::voted vote, caf::typed_response_promise<std::string> promise) {
  auto& st = self->state;
  st.batch.push_back({std::move(vote), std::move(promise)});
  if (st.batch.size() >= vote_batch_max)
    return write_batch(self);
  if (!st.batch_armed) {
    st.batch_armed = true;
    self->delayed_send(self, vote_batch_delay, poll_flush_atom::value);
  }
}

// Ends the active poll: the votes accepted before the end are written first.
caf::error end_poll(poll_actor* self, std::string by) {
  auto& st = self->state;
  write_batch(self);
  if (auto err = st.emit(ev::ended{st.book.latest()->id, std::move(by)}))
    return err;
  send_frame(self);
  return caf::none;
}

void end_if_due(poll_actor* self) {
  auto& st = self->state;
  if (st.book.due(st.clock().now_ms()))
    (void)end_poll(self, "time");  // a store failure leaves it active; the next check retries
}

caf::result<std::string> vote(poll_actor* self, const std::string& user, std::int64_t choice,
                              std::int64_t votes) {
  auto& st = self->state;
  end_if_due(self);
  if (user.empty())
    return make_error(errc::invalid_argument, "a vote needs a voter");
  auto plan = st.book.plan_vote(user, choice, votes, st.clock().now_ms());
  if (!plan) {
    if (!st.exists())  // votes on channels without polls park no actor
      st.passivate(self);
    return plan.error();
  }
  if (st.book.in_flight() >= votes_in_flight_max)
    return make_error(errc::unavailable, "too many votes at once; try again", {}, 1);
  st.book.reserve(user, plan->choice);
  auto promise = self->make_response_promise<std::string>();
  ev::voted counted{user, plan->choice, plan->votes, plan->cost};
  if (plan->cost == 0) {
    enqueue(self, std::move(counted), promise);
    return promise;
  }
  // Paid first: a vote is never counted without its points.
  auto poll_id = st.book.latest()->id;
  entity_ref<engagement_protocol>{st.registry(), st.id()}
    .request(self, points_spend_atom::value, user, plan->cost, std::string{"poll"})
    .then(
      [self, counted, promise, poll_id](std::int64_t) mutable {
        auto& st = self->state;
        end_if_due(self);
        if (!st.book.active() || st.book.latest()->id != poll_id) {
          st.book.release(counted.user);
          refund(self, counted);
          promise.deliver(make_error(errc::conflict, "the poll has ended"));
          return;
        }
        enqueue(self, std::move(counted), std::move(promise));
      },
      [self, user, promise](caf::error& err) mutable {
        self->state.book.release(user);
        promise.deliver(std::move(err));
      });
  return promise;
}

caf::behavior poll_behavior(poll_actor* self, caf::actor registry, storage::event_store* store,
                            std::string channel, const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = snapshot_every;
  if (auto err = st.activate(self, *store, channel, opts))
    return st.refuse(self, std::move(err));
  st.last_frame_ms = st.clock().now_ms();
  arm_end_timer(self);  // restarted while a poll runs: it still ends on time
  return {
    [self](poll_start_atom, const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      end_if_due(self);
      auto parsed = json::parse(body, nullptr, false);
      if (parsed.is_discarded() || !parsed.is_object())
        return make_error(errc::invalid_json, "a poll must be a JSON object");
      auto spec = parse_poll_spec(parsed);
      if (!spec)
        return spec.error();
      if (auto err = st.book.can_start())
        return err;
      auto ends_at = st.clock().now_ms() + spec->duration_s * 1000;
      if (auto err = st.emit(ev::started{st.book.next_id(), spec->title, spec->choices,
                                         spec->duration_s, spec->points_per_vote, ends_at}))
        return err;
      send_frame(self);
      arm_end_timer(self);
      return poll_json(*st.book.latest()).dump();
    },
    [self](poll_get_atom, const std::string& user) -> caf::result<std::string> {
      auto& st = self->state;
      end_if_due(self);
      const auto* p = st.book.current(st.clock().now_ms());
      if (!p)
        return st.answer_read(self, make_error(errc::not_found, "no poll on this channel"));
      auto j = poll_json(*p);
      if (!user.empty())
        j["my_votes"] = my_votes_json(st, user);
      st.touch();
      return j.dump();
    },
    [self](poll_vote_atom, const std::string& user, std::int64_t choice, std::int64_t votes) {
      self->state.touch();
      return vote(self, user, choice, votes);
    },
    [self](poll_end_atom) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      end_if_due(self);
      if (!st.book.active()) {
        if (st.book.current(st.clock().now_ms()))
          return make_error(errc::conflict, "the poll has already ended");
        return st.answer_read(self, make_error(errc::not_found, "no poll is running"));
      }
      if (auto err = end_poll(self, "manager"))
        return err;
      return poll_json(*st.book.latest()).dump();
    },
    [self](poll_archive_atom, std::int64_t limit) -> std::string {
      auto& st = self->state;
      auto polls = json::array();
      auto n = static_cast<std::size_t>(
        std::clamp<std::int64_t>(limit, 1, static_cast<std::int64_t>(poll_limits::archive_max)));
      for (auto& p : st.book.archive(n))
        polls.push_back(poll_json(p));
      return st.answer_read(self, json{{"polls", std::move(polls)}}.dump());
    },
    [self](poll_tick_atom) -> std::string {
      end_if_due(self);
      maybe_frame(self);
      return summary(self).dump();
    },
    [self](get_atom) -> std::string { return self->state.answer_read(self, summary(self).dump()); },
    [self](poll_flush_atom) {
      self->state.batch_armed = false;
      write_batch(self);
    },
    [self](poll_frame_atom) {
      self->state.frame_armed = false;
      maybe_frame(self);
    },
    [self](poll_timer_atom) {
      self->state.timer_armed = false;
      end_if_due(self);
      arm_end_timer(self);
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_poll_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   const runtime::clock& clock) {
  kinds.factories["poll"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                             const std::string& channel) {
    return sys.spawn(poll_behavior, registry, &store, channel, &clock);
  };
}

}  // namespace aethex::actors

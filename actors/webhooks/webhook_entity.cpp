// webhooks/<channel>: persists what the book decides and does the sending. Every attempt is an
// event (webhooks.attempted), so the delivery log and the retry schedule survive a restart: an
// activation with waiting messages picks their schedule up where it was.
//
// Timers: a real-time tick (1 s) while messages wait, each reading the injected clock, so tests
// move time with a manual clock and `serve --test-clock`.
#include <set>

#include <caf/all.hpp>
#include <sodium.h>

#include "actors/core/event_sourced.hpp"
#include "actors/webhooks/book.hpp"
#include "actors/webhooks/webhooks.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
namespace wh = webhooks;

// The receiver's answer is only compared with a challenge: more is not kept.
constexpr std::size_t max_answer_bytes = 4096;
constexpr auto tick_every = std::chrono::seconds(1);
constexpr std::uint64_t snapshot_every = 64;

struct webhooks_state {
  static constexpr std::string_view kind = "webhooks";
  using events =
    event_list<wh::subscribed, wh::removed, wh::status_changed, wh::queued, wh::attempted>;

  wh::book book;
  // Not persisted: what is on the wire now, and how to send.
  std::set<std::string> in_flight;
  bool tick_armed = false;
  http_sender send_http;
  bool public_only = true;

  void apply(const wh::subscribed& e, const event_meta&) { book.apply(e); }
  void apply(const wh::removed& e, const event_meta&) { book.apply(e); }
  void apply(const wh::status_changed& e, const event_meta&) { book.apply(e); }
  void apply(const wh::queued& e, const event_meta&) { book.apply(e); }
  void apply(const wh::attempted& e, const event_meta&) { book.apply(e); }

  // Waiting messages hold their timers in this actor.
  bool keep_active() const { return !book.waiting().empty() || !in_flight.empty(); }

  std::string snapshot() const { return book.snapshot().dump(); }
  void restore(const std::string& text) { book.restore(json::parse(text)); }
};

using webhooks_actor = caf::stateful_actor<event_sourced<webhooks_state>>;

double random01() { return static_cast<double>(randombytes_uniform(1'000'000)) / 1e6; }

void arm_tick(webhooks_actor* self) {
  auto& st = self->state;
  if (st.tick_armed || st.book.waiting().empty())
    return;
  st.tick_armed = true;
  self->delayed_send(self, tick_every, webhook_tick_atom::value);
}

void send_one(webhooks_actor* self, const wh::waiting_message& m) {
  auto& st = self->state;
  const auto* sub = st.book.find(m.subscription);
  if (!sub)
    return;
  auto timestamp = wh::rfc3339(st.clock().now_ms());
  outbound_request request{
    "POST",
    sub->url,
    {{"Content-Type", "application/json"},
     {"User-Agent", "AeThex-Webhooks/1"},
     {"AeThex-Message-Id", m.message_id},
     {"AeThex-Message-Timestamp", timestamp},
     {"AeThex-Message-Type", m.message_type},
     {"AeThex-Message-Signature", wh::signature(sub->secret, m.message_id, timestamp, m.body)},
     {"AeThex-Subscription-Type", sub->type}},
    m.body,
    wh::limits::timeout_s,
    st.public_only,
    false};
  st.in_flight.insert(m.message_id);
  auto me = caf::actor_cast<caf::actor>(self);
  st.send_http(std::move(request), [me,
                                    id = m.message_id](caf::expected<outbound_response> answer) {
    // On the transport's thread: the actor hears of it as a message.
    if (answer) {
      auto body = answer->body.substr(0, max_answer_bytes);
      caf::anon_send(me, webhook_sent_atom::value, id, static_cast<std::int64_t>(answer->status),
                     std::move(body), answer->elapsed_ms, std::string{});
    } else {
      caf::anon_send(me, webhook_sent_atom::value, id, std::int64_t{0}, std::string{},
                     std::int64_t{0},
                     reason_of(answer.error()) + ": " + message_of(answer.error()));
    }
  });
}

void pump(webhooks_actor* self) {
  auto& st = self->state;
  // Copies: sending changes nothing in the book, but keep no pointers across calls anyway.
  std::vector<wh::waiting_message> due;
  for (const auto* m : st.book.due(st.clock().now_ms(), st.in_flight))
    due.push_back(*m);
  for (const auto& m : due)
    send_one(self, m);
  arm_tick(self);
}

void on_sent(webhooks_actor* self, const std::string& message_id, std::int64_t status,
             std::string body, std::int64_t latency_ms, std::string error) {
  auto& st = self->state;
  st.in_flight.erase(message_id);
  const auto& waiting = st.book.waiting();
  auto it = std::find_if(waiting.begin(), waiting.end(),
                         [&](const wh::waiting_message& m) { return m.message_id == message_id; });
  if (it == waiting.end())  // deleted or disabled meanwhile
    return pump(self);
  auto d = st.book.decide(*it,
                          wh::attempt_result{static_cast<long>(status), std::move(body), latency_ms,
                                             std::move(error)},
                          st.clock().now_ms(), random01());
  if (st.emit(d.attempt))
    return pump(self);  // not recorded: the message stays due and is tried again
  if (d.change)
    (void)st.emit(*d.change);
  if (d.revocation)
    (void)st.emit(*d.revocation);
  pump(self);
}

caf::result<std::string> create(webhooks_actor* self, const std::string& type,
                                const std::string& url) {
  auto& st = self->state;
  st.touch();
  if (st.book.subscriptions().size() >= wh::limits::subscriptions)
    return make_error(errc::forbidden, "a channel may have at most " +
                                         std::to_string(wh::limits::subscriptions) +
                                         " webhook subscriptions");
  for (const auto& [id, existing] : st.book.subscriptions())
    if (existing.type == type && existing.url == url)
      return make_error(errc::conflict, "webhook '" + id + "' already sends " + type + " there");
  wh::subscription sub;
  sub.id = runtime::random_hex(8);
  sub.type = type;
  sub.url = url;
  sub.secret = runtime::random_hex(32);
  sub.created_ms = st.clock().now_ms();
  if (auto err = st.emit(wh::subscribed{sub}))
    return err;
  if (auto err = st.emit(wh::book::verification(sub, runtime::random_hex(16), sub.created_ms)))
    return err;
  pump(self);
  auto out = wh::public_json(sub);
  out["secret"] = sub.secret;  // shown this once
  return out.dump();
}

caf::result<std::string> redeliver(webhooks_actor* self, const std::string& id,
                                   std::uint64_t delivery) {
  auto& st = self->state;
  st.touch();
  const auto* sub = st.book.find(id);
  const auto* row = sub ? st.book.find_delivery(id, delivery) : nullptr;
  if (!row)
    return make_error(errc::not_found,
                      "no delivery " + std::to_string(delivery) + " of webhook '" + id + "'");
  if (row->message_type != wh::message_type::notification)
    return make_error(errc::invalid_argument, "only notifications can be delivered again");
  if (sub->status != wh::status::enabled)
    return make_error(errc::conflict, "the webhook is " + sub->status);
  for (const auto& m : st.book.waiting())
    if (m.message_id == row->message_id)
      return make_error(errc::conflict, "that message is still waiting for its next attempt");
  auto now = st.clock().now_ms();
  // The same message (same id: receivers that kept it can tell), tried afresh.
  wh::waiting_message m{
    row->message_id, id, row->message_type, row->event_type, row->body, {}, now, 0, now};
  if (auto err = st.emit(wh::queued{m}))
    return err;
  pump(self);
  return json{{"queued", wh::public_json(*row)}}.dump();
}

caf::behavior webhooks_behavior(webhooks_actor* self, caf::actor registry,
                                storage::event_store* store, std::string channel,
                                const runtime::clock* clock, http_sender send_http,
                                bool public_only) {
  auto& st = self->state;
  st.send_http = std::move(send_http);
  st.public_only = public_only;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = snapshot_every;
  if (auto err = st.activate(self, *store, channel, opts))
    return st.refuse(self, std::move(err));
  if (!st.book.waiting().empty())  // restarted with messages waiting: their schedule goes on
    self->send(self, webhook_tick_atom::value);
  return {
    [self](webhook_event_atom, const std::string& text) {
      auto& st = self->state;
      st.touch();
      auto j = json::parse(text, nullptr, false);
      if (!j.is_object())
        return;
      wh::public_event e{j.value("id", ""), j.value("type", ""), j.value("channel", ""),
                         j.value("at_ms", std::int64_t{0}), j.value("data", json::object())};
      auto messages = st.book.notifications(e, st.clock().now_ms());
      if (messages.empty() || st.emit_all(messages))
        return;
      pump(self);
    },
    [self](webhook_create_atom, const std::string& type, const std::string& url) {
      return create(self, type, url);
    },
    [self](webhook_list_atom) -> std::string {
      auto& st = self->state;
      json out = json::array();
      for (const auto& [id, sub] : st.book.subscriptions())
        out.push_back(wh::public_json(sub));
      std::string text = json{{"webhooks", out}}.dump();
      return st.answer_read(self, text);
    },
    [self](webhook_delete_atom, const std::string& id) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (!st.book.find(id))
        return make_error(errc::not_found, "no webhook '" + id + "'");
      if (auto err = st.emit(wh::removed{id}))
        return err;
      return json{{"deleted", id}}.dump();
    },
    [self](webhook_log_atom, const std::string& id) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (!st.book.find(id))
        return make_error(errc::not_found, "no webhook '" + id + "'");
      json rows = json::array();
      for (const auto& d : st.book.log(id))
        rows.push_back(wh::public_json(d));
      return json{{"deliveries", rows}}.dump();
    },
    [self](webhook_redeliver_atom, const std::string& id, std::uint64_t delivery) {
      return redeliver(self, id, delivery);
    },
    [self](webhook_sent_atom, const std::string& id, std::int64_t status, std::string body,
           std::int64_t latency_ms, std::string error) {
      on_sent(self, id, status, std::move(body), latency_ms, std::move(error));
    },
    [self](webhook_tick_atom) {
      self->state.tick_armed = false;
      pump(self);
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_webhooks_kind(runtime::entity_kinds& kinds, const node_env& env) {
  auto* store = env.store;
  const auto* clock = env.clock;
  auto send = env.send_http;
  bool public_only = !(env.config && env.config->webhooks_allow_private);
  kinds.factories["webhooks"] = [store, clock, send, public_only](caf::actor_system& sys,
                                                                  const caf::actor& registry,
                                                                  const std::string& channel) {
    return sys.spawn(webhooks_behavior, registry, store, channel, clock, send, public_only);
  };
}

}  // namespace aethex::actors

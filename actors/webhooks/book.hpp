// A channel's webhooks without I/O: its subscriptions, the messages waiting to be delivered,
// the delivery log and the rules (backoff, giving up, disabling). The entity (webhook_entity.cpp)
// persists the events this book applies and does the sending; tests drive the book directly.
//
// Rules (docs/webhooks.md):
// - a message is tried at once, then after each failure again after retry_delay_ms(attempt)
//   (exponential from 10 s, capped at 1 h, with jitter) until 24 h after its first attempt;
//   then it is dropped;
// - a subscription whose deliveries have all failed for 24 h (no success since the first
//   failure of the streak) is disabled, its waiting messages dropped, and a `revocation` sent;
// - bounds: 50 subscriptions per channel, 1,000 waiting messages per channel (the oldest is
//   dropped), the last 100 deliveries per subscription, 2,000 remembered message ids.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/webhooks/catalogue.hpp"

namespace aethex::actors::webhooks {

using json = nlohmann::json;

namespace limits {
inline constexpr std::size_t subscriptions = 50;
inline constexpr std::size_t waiting = 1000;
inline constexpr std::size_t log_per_subscription = 100;
inline constexpr std::size_t remembered_ids = 2000;
inline constexpr std::size_t url_bytes = 2048;
inline constexpr std::size_t in_flight = 4;  // per channel, so one slow receiver waits alone
inline constexpr std::int64_t first_retry_ms = 10'000;
inline constexpr std::int64_t max_retry_ms = 3'600'000;
inline constexpr std::int64_t give_up_after_ms = 24 * 3'600'000;
inline constexpr std::int64_t timeout_s = 10;  // per request
}  // namespace limits

namespace status {
inline constexpr std::string_view pending = "verification_pending";
inline constexpr std::string_view enabled = "enabled";
inline constexpr std::string_view failed = "verification_failed";
inline constexpr std::string_view disabled = "disabled";
}  // namespace status

namespace message_type {
inline constexpr std::string_view verification = "webhook_callback_verification";
inline constexpr std::string_view notification = "notification";
inline constexpr std::string_view revocation = "revocation";
}  // namespace message_type

/// Delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed: 10 s · 2^(n-1),
/// at most 1 h, times a jitter factor in [0.8, 1.2) from `random01` in [0, 1), so receivers that
/// came back do not get every channel's retries in the same second.
std::int64_t retry_delay_ms(std::uint32_t attempt, double random01);

/// "sha256=<hex HMAC-SHA256(secret, id + timestamp + body)>".
std::string signature(std::string_view secret, std::string_view id, std::string_view timestamp,
                      std::string_view body);

/// RFC 3339 UTC with milliseconds: "2026-12-04T11:07:05.123Z".
std::string rfc3339(std::int64_t ms);

struct subscription {
  std::string id;
  std::string type;
  std::string url;
  std::string secret;  // never leaves the entity except in the one create answer
  std::string status{status::pending};
  std::int64_t created_ms = 0;
  std::int64_t failing_since_ms = 0;  // 0: the last delivery succeeded (or none failed)
};

/// A message waiting for its next attempt.
struct waiting_message {
  std::string message_id;
  std::string subscription;
  std::string message_type;
  std::string event_type;  // the catalogue type, "" for verification and revocation
  std::string body;
  std::string challenge;  // verification only: what the receiver must answer
  std::int64_t first_ms = 0;
  std::uint32_t attempts = 0;  // made so far
  std::int64_t next_ms = 0;
};

struct delivery {
  std::uint64_t id = 0;  // unique within the channel
  std::string subscription;
  std::string message_id;
  std::string message_type;
  std::string event_type;
  std::uint32_t attempt = 0;
  long status = 0;  // HTTP status, 0 when no answer
  std::int64_t latency_ms = 0;
  std::string error;
  std::int64_t at_ms = 0;
  /// "delivered", "retrying", "dropped" (gave up), "failed" (verification/revocation, once).
  std::string outcome;
  std::string body;  // kept for redelivery; not shown in the log
};

// Stored events of webhooks/<channel>.
struct subscribed {
  static constexpr std::string_view type = "webhooks.subscribed";
  static constexpr std::uint32_t schema = 1;
  subscription sub;
};
struct removed {
  static constexpr std::string_view type = "webhooks.removed";
  static constexpr std::uint32_t schema = 1;
  std::string id;
};
struct status_changed {
  static constexpr std::string_view type = "webhooks.status_changed";
  static constexpr std::uint32_t schema = 1;
  std::string id;
  std::string status;
  std::string reason;
};
struct queued {
  static constexpr std::string_view type = "webhooks.queued";
  static constexpr std::uint32_t schema = 1;
  waiting_message message;
};
/// One attempt's result; `next_ms` > 0 when the message waits for another attempt.
struct attempted {
  static constexpr std::string_view type = "webhooks.attempted";
  static constexpr std::uint32_t schema = 1;
  delivery row;
  std::int64_t next_ms = 0;
};

void to_json(json& j, const subscribed& e);
void from_json(const json& j, subscribed& e);
void to_json(json& j, const removed& e);
void from_json(const json& j, removed& e);
void to_json(json& j, const status_changed& e);
void from_json(const json& j, status_changed& e);
void to_json(json& j, const queued& e);
void from_json(const json& j, queued& e);
void to_json(json& j, const attempted& e);
void from_json(const json& j, attempted& e);

/// What an attempt's answer means for the book (decide()).
struct attempt_result {
  long status = 0;
  std::string body;  // the receiver's answer (verification compares it)
  std::int64_t latency_ms = 0;
  std::string error;  // transport failure, "" when the receiver answered
};

/// The events one answer leads to, in order.
struct decision {
  attempted attempt;
  std::optional<status_changed> change;
  std::optional<queued> revocation;  // queued when the subscription is disabled
};

class book {
 public:
  const std::map<std::string, subscription>& subscriptions() const { return subs_; }
  const subscription* find(std::string_view id) const;
  const std::deque<waiting_message>& waiting() const { return waiting_; }
  bool seen(std::string_view message_id) const { return seen_.contains(std::string{message_id}); }
  /// The subscription's log, newest first.
  std::vector<delivery> log(std::string_view subscription) const;
  const delivery* find_delivery(std::string_view subscription, std::uint64_t id) const;
  std::uint64_t next_delivery_id() const { return last_delivery_ + 1; }

  /// The notifications `e` becomes: one per enabled subscription of its type whose message id
  /// was not seen yet (ids remembered, bounded).
  std::vector<queued> notifications(const public_event& e, std::int64_t now_ms) const;
  /// The verification message of a new subscription.
  static queued verification(const subscription& sub, std::string challenge, std::int64_t now_ms);
  /// The messages due at `now_ms` that may go now (at most limits::in_flight in flight).
  std::vector<const waiting_message*> due(std::int64_t now_ms,
                                          const std::set<std::string>& in_flight) const;
  /// What the answer to `m`'s next attempt means at `now_ms`; `random01` feeds the jitter.
  decision decide(const waiting_message& m, const attempt_result& r, std::int64_t now_ms,
                  double random01) const;

  void apply(const subscribed& e);
  void apply(const removed& e);
  void apply(const status_changed& e);
  void apply(const queued& e);
  void apply(const attempted& e);

  json snapshot() const;
  void restore(const json& j);

 private:
  void remember(const std::string& message_id);

  std::map<std::string, subscription> subs_;
  std::deque<waiting_message> waiting_;
  std::map<std::string, std::deque<delivery>> logs_;
  std::set<std::string> seen_;
  std::deque<std::string> seen_order_;
  std::uint64_t last_delivery_ = 0;
};

/// {"id","type","url","status","created_at_ms","failing_since_ms"} (no secret).
json public_json(const subscription& s);
/// A log row without its body.
json public_json(const delivery& d);

}  // namespace aethex::actors::webhooks

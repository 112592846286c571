// The webhook book (book.hpp): rules and state, no I/O.
#include "actors/webhooks/book.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>

#include <sodium.h>

namespace aethex::actors::webhooks {
namespace {

bool ok_status(long status) { return status >= 200 && status < 300; }

std::string trimmed(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return {};
  auto last = text.find_last_not_of(" \t\r\n");
  return std::string{text.substr(first, last - first + 1)};
}

json subscription_body(const subscription& s, std::string_view status_now) {
  return json{
    {"id", s.id}, {"type", s.type}, {"status", status_now}, {"created_at", rfc3339(s.created_ms)}};
}

}  // namespace

// Stored forms (events and snapshots); found by nlohmann through ADL, so not in the anonymous
// namespace.
void to_json(json& j, const subscription& s) {
  j = json{{"id", s.id},
           {"type", s.type},
           {"url", s.url},
           {"secret", s.secret},
           {"status", s.status},
           {"created_ms", s.created_ms},
           {"failing_since_ms", s.failing_since_ms}};
}
void from_json(const json& j, subscription& s) {
  s.id = j.value("id", "");
  s.type = j.value("type", "");
  s.url = j.value("url", "");
  s.secret = j.value("secret", "");
  s.status = j.value("status", std::string{status::pending});
  s.created_ms = j.value("created_ms", std::int64_t{0});
  s.failing_since_ms = j.value("failing_since_ms", std::int64_t{0});
}
void to_json(json& j, const waiting_message& m) {
  j = json{{"message_id", m.message_id},
           {"subscription", m.subscription},
           {"message_type", m.message_type},
           {"event_type", m.event_type},
           {"body", m.body},
           {"challenge", m.challenge},
           {"first_ms", m.first_ms},
           {"attempts", m.attempts},
           {"next_ms", m.next_ms}};
}
void from_json(const json& j, waiting_message& m) {
  m.message_id = j.value("message_id", "");
  m.subscription = j.value("subscription", "");
  m.message_type = j.value("message_type", "");
  m.event_type = j.value("event_type", "");
  m.body = j.value("body", "");
  m.challenge = j.value("challenge", "");
  m.first_ms = j.value("first_ms", std::int64_t{0});
  m.attempts = j.value("attempts", std::uint32_t{0});
  m.next_ms = j.value("next_ms", std::int64_t{0});
}
void to_json(json& j, const delivery& d) {
  j = public_json(d);
  j["body"] = d.body;
}
void from_json(const json& j, delivery& d) {
  d.id = j.value("id", std::uint64_t{0});
  d.subscription = j.value("subscription", "");
  d.message_id = j.value("message_id", "");
  d.message_type = j.value("message_type", "");
  d.event_type = j.value("event_type", "");
  d.attempt = j.value("attempt", std::uint32_t{0});
  d.status = j.value("status", 0L);
  d.latency_ms = j.value("latency_ms", std::int64_t{0});
  d.error = j.value("error", "");
  d.at_ms = j.value("at_ms", std::int64_t{0});
  d.outcome = j.value("outcome", "");
  d.body = j.value("body", "");
}

std::int64_t retry_delay_ms(std::uint32_t attempt, double random01) {
  auto exponent = std::min<std::uint32_t>(attempt == 0 ? 0 : attempt - 1, 20);
  auto base = std::min(limits::first_retry_ms << exponent, limits::max_retry_ms);
  auto jitter = 0.8 + 0.4 * std::clamp(random01, 0.0, 0.999999);
  return static_cast<std::int64_t>(std::llround(static_cast<double>(base) * jitter));
}

std::string signature(std::string_view secret, std::string_view id, std::string_view timestamp,
                      std::string_view body) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  for (auto part : {id, timestamp, body})
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                                  part.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  std::array<char, crypto_auth_hmacsha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  return "sha256=" + std::string{hex.data()};
}

std::string rfc3339(std::int64_t ms) {
  auto seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 32> text{};
  auto n = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &utc);
  std::array<char, 8> millis{};
  std::snprintf(millis.data(), millis.size(), ".%03dZ",
                static_cast<int>(((ms % 1000) + 1000) % 1000));
  return std::string{text.data(), n} + millis.data();
}

void to_json(json& j, const subscribed& e) { to_json(j, e.sub); }
void from_json(const json& j, subscribed& e) { from_json(j, e.sub); }
void to_json(json& j, const removed& e) { j = json{{"id", e.id}}; }
void from_json(const json& j, removed& e) { e.id = j.value("id", ""); }
void to_json(json& j, const status_changed& e) {
  j = json{{"id", e.id}, {"status", e.status}, {"reason", e.reason}};
}
void from_json(const json& j, status_changed& e) {
  e.id = j.value("id", "");
  e.status = j.value("status", "");
  e.reason = j.value("reason", "");
}
void to_json(json& j, const queued& e) { to_json(j, e.message); }
void from_json(const json& j, queued& e) { from_json(j, e.message); }
void to_json(json& j, const attempted& e) {
  to_json(j, e.row);
  j["next_ms"] = e.next_ms;
}
void from_json(const json& j, attempted& e) {
  from_json(j, e.row);
  e.next_ms = j.value("next_ms", std::int64_t{0});
}

json public_json(const subscription& s) {
  return json{{"id", s.id},
              {"type", s.type},
              {"url", s.url},
              {"status", s.status},
              {"created_at_ms", s.created_ms},
              {"failing_since_ms", s.failing_since_ms}};
}

json public_json(const delivery& d) {
  return json{{"id", d.id},
              {"subscription", d.subscription},
              {"message_id", d.message_id},
              {"message_type", d.message_type},
              {"event_type", d.event_type},
              {"attempt", d.attempt},
              {"status", d.status},
              {"latency_ms", d.latency_ms},
              {"error", d.error},
              {"at_ms", d.at_ms},
              {"outcome", d.outcome}};
}

const subscription* book::find(std::string_view id) const {
  auto it = subs_.find(std::string{id});
  return it == subs_.end() ? nullptr : &it->second;
}

std::vector<delivery> book::log(std::string_view subscription) const {
  auto it = logs_.find(std::string{subscription});
  if (it == logs_.end())
    return {};
  return {it->second.begin(), it->second.end()};
}

const delivery* book::find_delivery(std::string_view subscription, std::uint64_t id) const {
  auto it = logs_.find(std::string{subscription});
  if (it == logs_.end())
    return nullptr;
  for (const auto& d : it->second)
    if (d.id == id)
      return &d;
  return nullptr;
}

std::vector<queued> book::notifications(const public_event& e, std::int64_t now_ms) const {
  std::vector<queued> out;
  for (const auto& [id, sub] : subs_) {
    if (sub.type != e.type || sub.status != status::enabled)
      continue;
    auto message_id = sub.id + ":" + e.id;
    if (seen(message_id))
      continue;
    json body = {{"subscription", subscription_body(sub, status::enabled)}, {"event", to_json(e)}};
    out.push_back(queued{waiting_message{message_id,
                                         sub.id,
                                         std::string{message_type::notification},
                                         e.type,
                                         body.dump(-1, ' ', false, json::error_handler_t::replace),
                                         {},
                                         now_ms,
                                         0,
                                         now_ms}});
  }
  return out;
}

queued book::verification(const subscription& sub, std::string challenge, std::int64_t now_ms) {
  json body = {{"challenge", challenge}, {"subscription", subscription_body(sub, status::pending)}};
  return queued{waiting_message{sub.id + ":verification",
                                sub.id,
                                std::string{message_type::verification},
                                {},
                                body.dump(),
                                std::move(challenge),
                                now_ms,
                                0,
                                now_ms}};
}

std::vector<const waiting_message*> book::due(std::int64_t now_ms,
                                              const std::set<std::string>& in_flight) const {
  std::vector<const waiting_message*> out;
  auto busy = in_flight.size();
  for (const auto& m : waiting_) {
    if (busy >= limits::in_flight)
      break;
    if (m.next_ms > now_ms || in_flight.contains(m.message_id))
      continue;
    const auto* sub = find(m.subscription);
    if (!sub)
      continue;
    // Each kind of message goes only while its subscription is in the matching state.
    bool allowed = m.message_type == message_type::notification   ? sub->status == status::enabled
                   : m.message_type == message_type::verification ? sub->status == status::pending
                                                                  : sub->status == status::disabled;
    if (!allowed)
      continue;
    out.push_back(&m);
    ++busy;
  }
  return out;
}

decision book::decide(const waiting_message& m, const attempt_result& r, std::int64_t now_ms,
                      double random01) const {
  decision d;
  auto& row = d.attempt.row;
  row.id = next_delivery_id();
  row.subscription = m.subscription;
  row.message_id = m.message_id;
  row.message_type = m.message_type;
  row.event_type = m.event_type;
  row.attempt = m.attempts + 1;
  row.status = r.status;
  row.latency_ms = r.latency_ms;
  row.error = r.error;
  row.at_ms = now_ms;
  row.body = m.body;
  bool ok = r.error.empty() && ok_status(r.status);
  if (m.message_type == message_type::verification) {
    if (ok && trimmed(r.body) != m.challenge) {
      ok = false;
      row.error = "the answer was not the challenge";
    }
    row.outcome = ok ? "delivered" : "failed";
    d.change = status_changed{
      m.subscription, std::string{ok ? status::enabled : status::failed},
      ok ? "" : (row.error.empty() ? "status " + std::to_string(r.status) : row.error)};
    return d;
  }
  if (m.message_type == message_type::revocation) {
    row.outcome = ok ? "delivered" : "failed";
    return d;
  }
  if (ok) {
    row.outcome = "delivered";
    return d;
  }
  const auto* sub = find(m.subscription);
  auto failing_since = sub && sub->failing_since_ms > 0 ? sub->failing_since_ms : now_ms;
  if (sub && now_ms - failing_since >= limits::give_up_after_ms) {
    row.outcome = "dropped";
    d.change = status_changed{m.subscription, std::string{status::disabled},
                              "every delivery failed for 24 hours"};
    json body = {{"subscription", subscription_body(*sub, status::disabled)},
                 {"reason", "notification_failures_exceeded"}};
    d.revocation = queued{waiting_message{m.subscription + ":revocation:" + std::to_string(now_ms),
                                          m.subscription,
                                          std::string{message_type::revocation},
                                          {},
                                          body.dump(),
                                          {},
                                          now_ms,
                                          0,
                                          now_ms}};
    return d;
  }
  auto next = now_ms + retry_delay_ms(row.attempt, random01);
  if (next - m.first_ms > limits::give_up_after_ms) {
    row.outcome = "dropped";
    return d;
  }
  row.outcome = "retrying";
  d.attempt.next_ms = next;
  return d;
}

void book::apply(const subscribed& e) { subs_[e.sub.id] = e.sub; }

void book::apply(const removed& e) {
  subs_.erase(e.id);
  logs_.erase(e.id);
  std::erase_if(waiting_, [&](const waiting_message& m) { return m.subscription == e.id; });
}

void book::apply(const status_changed& e) {
  auto it = subs_.find(e.id);
  if (it == subs_.end())
    return;
  it->second.status = e.status;
  if (e.status != status::enabled)
    std::erase_if(waiting_, [&](const waiting_message& m) {
      return m.subscription == e.id && m.message_type != message_type::revocation;
    });
}

void book::apply(const queued& e) {
  remember(e.message.message_id);
  waiting_.push_back(e.message);
  // Bounded: the oldest waiting message is given up for the newest.
  while (waiting_.size() > limits::waiting)
    waiting_.pop_front();
}

void book::apply(const attempted& e) {
  const auto& row = e.row;
  last_delivery_ = std::max(last_delivery_, row.id);
  auto& log = logs_[row.subscription];
  log.push_front(row);
  while (log.size() > limits::log_per_subscription)
    log.pop_back();
  if (auto it = subs_.find(row.subscription);
      it != subs_.end() && row.message_type == message_type::notification) {
    if (row.outcome == "delivered")
      it->second.failing_since_ms = 0;
    else if (it->second.failing_since_ms == 0)
      it->second.failing_since_ms = row.at_ms;
  }
  auto m = std::find_if(waiting_.begin(), waiting_.end(),
                        [&](const waiting_message& w) { return w.message_id == row.message_id; });
  if (m == waiting_.end())
    return;
  if (e.next_ms > 0) {
    m->attempts = row.attempt;
    m->next_ms = e.next_ms;
  } else {
    waiting_.erase(m);
  }
}

void book::remember(const std::string& message_id) {
  if (!seen_.insert(message_id).second)
    return;
  seen_order_.push_back(message_id);
  while (seen_order_.size() > limits::remembered_ids) {
    seen_.erase(seen_order_.front());
    seen_order_.pop_front();
  }
}

json book::snapshot() const {
  json subs = json::array();
  for (const auto& [id, s] : subs_)
    subs.push_back(s);
  json logs = json::object();
  for (const auto& [id, rows] : logs_)
    logs[id] = rows;
  return json{{"subscriptions", subs},
              {"waiting", waiting_},
              {"logs", logs},
              {"seen", seen_order_},
              {"last_delivery", last_delivery_}};
}

void book::restore(const json& j) {
  *this = book{};
  for (const auto& s : j.at("subscriptions"))
    subs_[s.value("id", "")] = s.get<subscription>();
  for (const auto& m : j.at("waiting"))
    waiting_.push_back(m.get<waiting_message>());
  for (const auto& [id, rows] : j.at("logs").items())
    for (const auto& row : rows)
      logs_[id].push_back(row.get<delivery>());
  for (const auto& id : j.at("seen"))
    remember(id.get<std::string>());
  last_delivery_ = j.value("last_delivery", std::uint64_t{0});
}

}  // namespace aethex::actors::webhooks

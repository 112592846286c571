// What a chat room remembers of its community moderation (docs/moderation.md): VIPs and editors,
// the moderation log, how each ban came about, AutoMod's queue of held messages and the unban
// requests. All of it is built by the room's events (so it replays and snapshots with the room)
// and bounded, since clients feed every part of it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/chat/moderation_events.hpp"
#include "actors/core/event_sourced.hpp"

namespace aethex::actors::chat_room_detail {

using json = nlohmann::json;

struct log_entry {
  std::uint64_t seq = 0;  // stream position of the event: the entry's id and `before` cursor
  std::int64_t at_ms = 0;
  std::string action;  // delete, timeout, ban, mod, vip, editor, automod_approve, settings, ...
  std::string by;
  std::string target;
  std::string reason;
  json detail = json::object();

  json to_json() const {
    return json{{"id", seq},      {"at_ms", at_ms},   {"action", action}, {"by", by},
                {"user", target}, {"reason", reason}, {"detail", detail}};
  }
  static log_entry from_json(const json& j) {
    return {j.value("id", std::uint64_t{0}),
            j.value("at_ms", std::int64_t{0}),
            j.value("action", ""),
            j.value("by", ""),
            j.value("user", ""),
            j.value("reason", ""),
            j.value("detail", json::object())};
  }
};

struct ban_record {
  std::int64_t at_ms = 0;
  std::string by;
  std::string reason;
  std::uint64_t seq = 0;  // the ban's stream position: one unban request per ban
};

struct held_item {
  std::uint64_t id = 0;
  std::string user;
  std::string origin;
  std::string text;
  std::string category;
  std::uint32_t level = 0;
  std::int64_t ts = 0;

  json to_json() const {
    return json{{"id", id},       {"user", user}, {"text", text}, {"category", category},
                {"level", level}, {"ts", ts}};
  }
};

struct unban_request {
  std::uint64_t id = 0;
  std::string user;
  std::string text;
  std::uint64_t ban_seq = 0;
  std::int64_t at_ms = 0;
  std::string status = "pending";  // pending, accepted, denied
  std::string decided_by = {};
  std::string reason = {};
  std::int64_t decided_ms = 0;

  json to_json() const {
    json j{{"id", id}, {"user", user}, {"text", text}, {"status", status}, {"at_ms", at_ms}};
    if (status != "pending") {
      j["decided_by"] = decided_by;
      j["reason"] = reason;
      j["decided_ms"] = decided_ms;
    }
    return j;
  }
};

struct moderation_book {
  static constexpr std::size_t max_log = 500;
  static constexpr std::size_t max_held = 500;
  static constexpr std::size_t max_requests = 1000;

  std::set<std::string> vips;
  std::set<std::string> editors;
  std::deque<log_entry> log;  // oldest first
  std::map<std::string, ban_record> bans;
  std::map<std::uint64_t, held_item> held;  // by id, oldest first
  std::map<std::uint64_t, unban_request> requests;

  void record(const event_meta& meta, std::string action, std::string by, std::string target,
              std::string reason, json detail = json::object()) {
    log.push_back({meta.seq, meta.timestamp_ms, std::move(action), std::move(by), std::move(target),
                   std::move(reason), std::move(detail)});
    while (log.size() > max_log)
      log.pop_front();
  }

  void banned(const std::string& user, const std::string& by, const std::string& reason,
              const event_meta& meta) {
    bans[user] = ban_record{meta.timestamp_ms, by, reason, meta.seq};
  }

  void apply(const chat_events::role_granted& e, const event_meta& meta) {
    (e.role == "editor" ? editors : vips).insert(e.user);
    record(meta, e.role, e.by, e.user, e.reason);
  }
  void apply(const chat_events::role_revoked& e, const event_meta& meta) {
    (e.role == "editor" ? editors : vips).erase(e.user);
    record(meta, "un" + e.role, e.by, e.user, e.reason);
  }
  void apply(const chat_events::automod_held& e, const event_meta& meta) {
    held[e.id] = held_item{e.id, e.user, e.origin, e.text, e.category, e.level, meta.timestamp_ms};
    // A full queue denies its oldest item: nobody reviewed it in time.
    while (held.size() > max_held) {
      record(meta, "automod_deny", "automod", held.begin()->second.user, "queue full",
             json{{"held_id", held.begin()->first}});
      held.erase(held.begin());
    }
  }
  void apply(const chat_events::automod_resolved& e, const event_meta& meta) {
    auto it = held.find(e.id);
    std::string user = it == held.end() ? "" : it->second.user;
    json detail{{"held_id", e.id}};
    if (it != held.end())
      detail["text"] = it->second.text;
    if (it != held.end())
      held.erase(it);
    record(meta, "automod_" + e.action, e.by, user, e.reason, std::move(detail));
  }
  void apply(const chat_events::unban_requested& e, const event_meta& meta) {
    requests[e.id] = unban_request{e.id, e.user, e.text, e.ban_seq, meta.timestamp_ms};
    if (requests.size() <= max_requests)
      return;
    // Decided requests go first; a room drowning in pending ones forgets the oldest.
    for (auto it = requests.begin(); it != requests.end(); ++it)
      if (it->second.status != "pending") {
        requests.erase(it);
        return;
      }
    requests.erase(requests.begin());
  }
  void apply(const chat_events::unban_request_decided& e, const event_meta& meta) {
    auto it = requests.find(e.id);
    if (it == requests.end())
      return;
    auto& r = it->second;
    r.status = e.action == "accept" ? "accepted" : "denied";
    r.decided_by = e.by;
    r.reason = e.reason;
    r.decided_ms = meta.timestamp_ms;
    record(meta, "unban_request_" + e.action, e.by, r.user, e.reason, json{{"request_id", e.id}});
  }

  /// The pending request answering the user's current ban, if any was made.
  const unban_request* request_for_ban(const std::string& user) const {
    auto ban = bans.find(user);
    std::uint64_t seq = ban == bans.end() ? 0 : ban->second.seq;
    for (auto& [_, r] : requests)
      if (r.user == user && r.ban_seq == seq)
        return &r;
    return nullptr;
  }

  json snapshot() const {
    json j{{"vips", vips}, {"editors", editors}};
    auto& l = j["log"] = json::array();
    for (auto& e : log)
      l.push_back(e.to_json());
    auto& b = j["bans"] = json::object();
    for (auto& [user, r] : bans)
      b[user] = json{{"at_ms", r.at_ms}, {"by", r.by}, {"reason", r.reason}, {"seq", r.seq}};
    auto& h = j["held"] = json::array();
    for (auto& [_, item] : held) {
      auto one = item.to_json();
      one["origin"] = item.origin;
      h.push_back(std::move(one));
    }
    auto& q = j["requests"] = json::array();
    for (auto& [_, r] : requests) {
      auto one = r.to_json();
      one["ban_seq"] = r.ban_seq;
      q.push_back(std::move(one));
    }
    return j;
  }

  void restore(const json& j) {
    if (!j.is_object())
      return;
    vips = j.value("vips", std::set<std::string>{});
    editors = j.value("editors", std::set<std::string>{});
    for (auto& e : j.value("log", json::array()))
      log.push_back(log_entry::from_json(e));
    const auto banned = j.value("bans", json::object());  // items() must not outlive it
    for (auto& [user, r] : banned.items())
      bans[user] = ban_record{r.value("at_ms", std::int64_t{0}), r.value("by", ""),
                              r.value("reason", ""), r.value("seq", std::uint64_t{0})};
    for (auto& h : j.value("held", json::array())) {
      held_item item{h.value("id", std::uint64_t{0}), h.value("user", ""),
                     h.value("origin", ""),           h.value("text", ""),
                     h.value("category", ""),         h.value("level", std::uint32_t{0}),
                     h.value("ts", std::int64_t{0})};
      held[item.id] = std::move(item);
    }
    for (auto& q : j.value("requests", json::array())) {
      unban_request r{q.value("id", std::uint64_t{0}),
                      q.value("user", ""),
                      q.value("text", ""),
                      q.value("ban_seq", std::uint64_t{0}),
                      q.value("at_ms", std::int64_t{0}),
                      q.value("status", "pending"),
                      q.value("decided_by", ""),
                      q.value("reason", ""),
                      q.value("decided_ms", std::int64_t{0})};
      requests[r.id] = std::move(r);
    }
  }
};

}  // namespace aethex::actors::chat_room_detail

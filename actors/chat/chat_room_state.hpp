// The state of a chat room entity (chat/<channel>): what its events build (history, moderators,
// bans, timeouts, settings) and what it keeps in memory only (paces, fan-outs, reactions, the
// follow cache). The room's behaviour is in chat_room.cpp; this header is only for it and its
// tests.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/chat_badges.hpp"
#include "actors/chat/chat_events.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/chat/chat_room_values.hpp"
#include "actors/chat/follow_gate.hpp"
#include "actors/chat/moderation_state.hpp"
#include "actors/core/event_sourced.hpp"

namespace aethex::actors::chat_room_detail {

using chat_values::message;
using chat_values::role;
using chat_values::settings;
using json = nlohmann::json;
namespace ev = chat_events;

inline std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Sending pace of one user; kept in memory only (a restart forgives).
struct pace {
  std::int64_t last_ms = 0;
  std::deque<std::int64_t> recent;                         // accepted sends inside the rate window
  std::deque<std::pair<std::size_t, std::int64_t>> texts;  // AutoMod: hashes of the last sends
};

struct fanout_entry {
  caf::actor handle;
  std::uint32_t viewers = 0;
};

struct room_state {
  static constexpr std::string_view kind = "chat";
  static inline const char* name = "chat_room";
  using events = event_list<
    ev::message, ev::message_deleted, ev::user_timed_out, ev::user_untimed_out, ev::user_banned,
    ev::user_unbanned, ev::moderator_added, ev::moderator_removed, ev::settings_changed,
    ev::announced, ev::role_granted, ev::role_revoked, ev::automod_held, ev::automod_resolved,
    ev::unban_requested, ev::unban_request_decided, ev::bans_imported, ev::emotes_set,
    ev::subscriber_set, ev::org_policy_set>;
  // Subscribers the room remembers (actors/subscriptions tells it each change); past this a
  // new subscriber is not remembered until one leaves: no badge, no sub-only chat for them.
  static constexpr std::size_t max_subscribers = 100'000;
  std::string channel;
  chat_options options;
  // Durable state.
  std::deque<message> history;
  std::set<std::string> moderators;
  std::set<std::string> banned;
  std::map<std::string, std::int64_t> timeouts;  // user -> until (ms since epoch)
  settings config;
  std::optional<message> announcement;  // pinned until replaced or cleared
  std::int64_t announced_ms = 0;        // last announcement, for the room's pace (in memory)
  follow_gate follows;                  // who follows the channel, for followers-only mode
  moderation_book book;  // VIPs, editors, the moderation log, AutoMod's queue, unban requests
  std::set<std::string, std::less<>> custom_emotes;     // the channel's emote codes (actors/emotes)
  std::map<std::string, int, std::less<>> emote_tiers;  // sub emotes: code -> tier 1-3
  // The org's shared policy (actors/orgstreams; bounded there: 100 moderators, 10 000 bans).
  std::string org;
  std::set<std::string> org_moderators;
  std::set<std::string> org_banned;
  std::set<std::string, std::less<>> org_emotes;  // the org's shared emote codes
  // custom_emotes and org_emotes: what emote-only mode and AutoMod count as emotes.
  std::set<std::string, std::less<>> usable_emotes;
  struct sub_info {
    int tier = 0;
    std::uint32_t months = 0;
  };
  std::unordered_map<std::string, sub_info> subscribers;  // user -> live subscription (bounded)
  /// user -> achievement badges shown beside their messages (chat_badges.hpp; not stored).
  std::unordered_map<std::string, std::vector<std::string>> chat_badges;
  // Moderators' sessions in the room, told of held messages (bounded; see chat_room.hpp).
  std::map<caf::actor_addr, std::pair<caf::actor, chat_identity>> mod_watchers;
  // Sessions whose messages AutoMod holds, by held id: told when a moderator denies one.
  std::map<std::uint64_t, caf::actor> held_senders;
  // Volatile state.
  std::string owner;
  bool owner_is_admin = false;  // the admin principal owns it: no account is its broadcaster
  bool channel_known = false;
  std::unordered_map<std::string, pace> paces;
  std::unordered_map<std::string, std::string> guest_origins;  // nickname -> address, bounded
  std::unordered_map<caf::actor_addr, fanout_entry> fanouts;
  std::map<std::string, std::uint32_t> reactions;
  std::uint64_t viewers_sent = 0;
  // Presence is paced on real time: the tick that sends it is a real timer of the scheduler.
  std::chrono::steady_clock::time_point presence_sent{};
  bool tick_pending = false;
  std::optional<std::string> history_frame;  // cached encoding, reset on change
  // Lines already shown, not yet written: a burst is written as one append (chat_lines.cpp),
  // and each sender answered then.
  struct unwritten_line {
    ev::message line;
    std::int64_t ts = 0;
    caf::typed_response_promise<chat_ack> reply;
  };
  std::vector<unwritten_line> unwritten;
  bool lines_flush_armed = false;

  // A room exists while its channel does; subscribers hold it while they wait for the channel.
  bool known() const { return channel_known; }
  bool keep_active() const { return !fanouts.empty(); }
  // Rate windows, slow mode, timeouts and message times read the room's clock.
  std::int64_t now_ms() const { return options.clock->now_ms(); }

  role role_of(const chat_identity& who) const {
    if (who.is_admin() || (!owner.empty() && !owner_is_admin && who.is_user(owner)))
      return role::broadcaster;
    return who.is_anonymous() ? role::viewer : role_of_target(who.display());
  }
  // Role of a person named in a moderation command.
  role role_of_target(const std::string& name) const {
    if (!owner.empty() && !owner_is_admin && name == owner)
      return role::broadcaster;
    if (moderators.count(name) || org_moderators.count(name))
      return role::moderator;
    if (book.editors.count(name))
      return role::editor;
    return book.vips.count(name) ? role::vip : role::viewer;
  }
  // Every role a person holds, highest first (a moderator may be a VIP and an editor too).
  std::vector<std::string> roles_of(const chat_identity& who) const {
    auto r = role_of(who);
    std::vector<std::string> out;
    if (r == role::broadcaster)
      out.push_back("broadcaster");
    if (who.is_anonymous())
      return out;
    auto name = who.display();
    if (moderators.count(name) || org_moderators.count(name))
      out.push_back("moderator");
    if (book.editors.count(name))
      out.push_back("editor");
    if (book.vips.count(name))
      out.push_back("vip");
    return out;
  }

  // Bans, timeouts and rate limits of a guest also hold for its address, so a new nickname
  // is no escape; `guest_origins` remembers where the nicknames that wrote came from.
  static std::string address_key(const std::string& origin) { return "guest@" + origin; }
  bool banned_now(const chat_identity& who) const {
    if (!org_banned.empty() && who.is_user() && org_banned.count(who.name))
      return true;
    return !banned.empty() &&
           (banned.count(who.display()) ||
            (who.is_guest() && !who.origin.empty() && banned.count(address_key(who.origin))));
  }
  const std::int64_t* timeout_of(const chat_identity& who) const {
    if (timeouts.empty())  // the common case on every send: no string is built
      return nullptr;
    auto find = [&](const std::string& key) -> const std::int64_t* {
      auto it = timeouts.find(key);
      return it == timeouts.end() ? nullptr : &it->second;
    };
    if (auto* until = find(who.display()))
      return until;
    return who.is_guest() && !who.origin.empty() ? find(address_key(who.origin)) : nullptr;
  }
  std::string pace_key(const chat_identity& who) const {
    return who.is_guest() && !who.origin.empty() ? address_key(who.origin) : who.display();
  }

  std::uint64_t viewers() const {
    std::uint64_t n = 0;
    for (auto& [_, f] : fanouts)
      n += f.viewers;
    return n;
  }

  // A guest's ban or timeout carries its address too (see banned_now).
  template <class Change>
  void for_person(const std::string& user, const std::string& origin, Change&& change) {
    change(user);
    if (!origin.empty())
      change(address_key(origin));
    history_frame.reset();
  }

  void apply(const ev::message& e, const event_meta& meta) {
    history.push_back(message{e.id, e.user, e.text, e.badges, meta.timestamp_ms, e.automod});
    while (history.size() > options.history)
      history.pop_front();
    history_frame.reset();
  }
  void apply(const ev::message_deleted& e, const event_meta& meta) {
    std::string author;
    for (auto& m : history)
      if (m.id == e.id)
        author = m.user;
    std::erase_if(history, [id = e.id](const message& m) { return m.id == id; });
    history_frame.reset();
    book.record(meta, "delete", e.by, author, e.reason, json{{"message_id", e.id}});
  }
  void apply(const ev::user_timed_out& e, const event_meta& meta) {
    for_person(e.user, e.origin, [&](const std::string& k) { timeouts[k] = e.until_ms; });
    book.record(meta, "timeout", e.by, e.user, e.reason,
                json{{"until_ms", e.until_ms},
                     {"duration_s", (e.until_ms - meta.timestamp_ms + 500) / 1000}});
  }
  void apply(const ev::user_untimed_out& e, const event_meta& meta) {
    for_person(e.user, e.origin, [&](const std::string& k) { timeouts.erase(k); });
    book.record(meta, "untimeout", e.by, e.user, e.reason);
  }
  void apply(const ev::user_banned& e, const event_meta& meta) {
    for_person(e.user, e.origin, [&](const std::string& k) {
      banned.insert(k);
      timeouts.erase(k);
    });
    book.banned(e.user, e.by, e.reason, meta);
    book.record(meta, "ban", e.by, e.user, e.reason);
  }
  void apply(const ev::user_unbanned& e, const event_meta& meta) {
    for_person(e.user, e.origin, [&](const std::string& k) { banned.erase(k); });
    book.bans.erase(e.user);
    book.record(meta, "unban", e.by, e.user, e.reason);
  }
  void apply(const ev::moderator_added& e, const event_meta& meta) {
    moderators.insert(e.user);
    history_frame.reset();
    book.record(meta, "mod", e.by, e.user, e.reason);
  }
  void apply(const ev::moderator_removed& e, const event_meta& meta) {
    moderators.erase(e.user);
    history_frame.reset();
    book.record(meta, "unmod", e.by, e.user, e.reason);
  }
  template <class Event>
  requires requires(moderation_book& b, const Event& e, const event_meta& m) { b.apply(e, m); }
  void apply(const Event& e, const event_meta& meta) { book.apply(e, meta); }
  void apply(const ev::bans_imported& e, const event_meta& meta) {
    for (auto& b : e.bans) {
      banned.insert(b.user);
      timeouts.erase(b.user);
      book.banned(b.user, e.by, b.reason, meta);
    }
    history_frame.reset();
    book.record(meta, "ban_import", e.by, "", "", json{{"count", e.bans.size()}});
  }
  void apply(const ev::announced& e, const event_meta& meta) {
    if (e.text.empty())
      announcement.reset();
    else
      announcement = message{e.id, e.user, e.text, {}, meta.timestamp_ms};
  }
  json announcement_json() const {
    if (!announcement)
      return nullptr;
    return json{{"id", announcement->id},
                {"user", announcement->user},
                {"text", announcement->text},
                {"ts", announcement->ts}};
  }
  void apply(const ev::settings_changed& e, const event_meta& meta) {
    // The log shows what changed; term lists only by their size.
    auto before = config.to_json(true);
    config.from_json(e.settings);
    history_frame.reset();
    json changed = json::object();
    const json after = config.to_json(true);
    for (auto it = after.begin(); it != after.end(); ++it)
      if (!before.contains(it.key()) || before[it.key()] != *it)
        changed[it.key()] = it->is_array() ? json(it->size()) : *it;
    book.record(meta, "settings", e.by, "", e.reason, std::move(changed));
  }

  void apply(const ev::emotes_set& e, const event_meta&) {
    custom_emotes = {e.codes.begin(), e.codes.end()};
    emote_tiers = {e.tiers.begin(), e.tiers.end()};
    merge_emotes();
  }
  void merge_emotes() {
    usable_emotes = custom_emotes;
    usable_emotes.insert(org_emotes.begin(), org_emotes.end());
  }
  void apply(const ev::org_policy_set& e, const event_meta&) {
    if (e.org != org)
      org_banned.clear();
    org = e.org;
    org_moderators = {e.moderators.begin(), e.moderators.end()};
    for (auto& u : e.unbanned)
      org_banned.erase(u);
    org_banned.insert(e.banned.begin(), e.banned.end());
    org_emotes = {e.emotes.begin(), e.emotes.end()};
    merge_emotes();
  }
  void apply(const ev::subscriber_set& e, const event_meta&) {
    if (e.tier <= 0)
      subscribers.erase(e.user);
    else if (subscribers.size() < max_subscribers || subscribers.count(e.user))
      subscribers[e.user] = sub_info{e.tier, e.months};
  }
  // The tier `who` is subscribed at (0: none).
  int sub_tier(const chat_identity& who) const {
    if (subscribers.empty() || !who.is_user())
      return 0;
    auto it = subscribers.find(who.name);
    return it == subscribers.end() ? 0 : it->second.tier;
  }

  // The badges a message of `who` (whose role here is `r`) shows, in display order: role,
  // `bot` for the channel's scripted bot (actors/bots), editor/VIP, "subscriber/<tier>/<months>",
  // then the achievements the user chose to show.
  std::vector<std::string> message_badges(const chat_identity& who, role r) const {
    std::vector<std::string> badges;
    if (who.is_admin())
      badges.push_back("admin");
    else if (r == role::broadcaster)
      badges.push_back("broadcaster");
    else if (r == role::moderator)
      badges.push_back("moderator");
    if (who.via_app == scripted_bot_client)
      badges.push_back("bot");
    for (auto& extra : roles_of(who))
      if (extra == "editor" || extra == "vip")
        badges.push_back(extra);
    if (auto tier = sub_tier(who); tier > 0)
      badges.push_back("subscriber/" + std::to_string(tier) + "/" +
                       std::to_string(subscribers.at(who.name).months));
    if (auto shown = chat_badges.find(who.name); who.is_user() && shown != chat_badges.end())
      badges.insert(badges.end(), shown->second.begin(), shown->second.end());
    return badges;
  }

  json subscribers_json() const {
    json out = json::object();
    for (auto& [user, s] : subscribers)
      out[user] = json::array({s.tier, s.months});
    return out;
  }

  std::string snapshot() const {
    json msgs = json::array();
    for (auto& m : history)
      msgs.push_back(m.to_json());
    json touts = json::object();
    auto now = now_ms();
    for (auto& [user, until] : timeouts)
      if (until > now)
        touts[user] = until;
    return dump(json{{"history", msgs},
                     {"moderators", moderators},
                     {"banned", banned},
                     {"timeouts", touts},
                     {"settings", config.to_json(true)},
                     {"announcement", announcement_json()},
                     {"moderation", book.snapshot()},
                     {"emotes", custom_emotes},
                     {"emote_tiers", emote_tiers},
                     {"subscribers", subscribers_json()},
                     {"org", json{{"org", org},
                                  {"moderators", org_moderators},
                                  {"banned", org_banned},
                                  {"emotes", org_emotes}}}});
  }

  void restore(const std::string& text) {
    auto j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return;
    for (auto& m : j.value("history", json::array()))
      history.push_back(message::from_json(m, 0));
    moderators = j.value("moderators", std::set<std::string>{});
    banned = j.value("banned", std::set<std::string>{});
    timeouts = j.value("timeouts", std::map<std::string, std::int64_t>{});
    config.from_json(j.value("settings", json::object()));
    book.restore(j.value("moderation", json::object()));
    custom_emotes = j.value("emotes", std::set<std::string, std::less<>>{});
    emote_tiers = j.value("emote_tiers", std::map<std::string, int, std::less<>>{});
    auto org_j = j.value("org", json::object());
    org = org_j.value("org", "");
    org_moderators = org_j.value("moderators", std::set<std::string>{});
    org_banned = org_j.value("banned", std::set<std::string>{});
    org_emotes = org_j.value("emotes", std::set<std::string, std::less<>>{});
    merge_emotes();
    for (auto& [user, s] : j.value("subscribers", json::object()).items())
      if (s.is_array() && s.size() == 2)
        subscribers[user] = sub_info{s[0].get<int>(), s[1].get<std::uint32_t>()};
    if (auto a = j.find("announcement"); a != j.end() && a->is_object())
      announcement = message{a->value("id", std::uint64_t{0}),
                             a->value("user", ""),
                             a->value("text", ""),
                             {},
                             a->value("ts", std::int64_t{0})};
  }

  const std::string& history_json() {
    if (!history_frame) {
      json msgs = json::array();
      for (auto& m : history)
        msgs.push_back(m.to_json());
      history_frame = dump(json{{"type", "history"}, {"channel", channel}, {"messages", msgs}});
    }
    return *history_frame;
  }
};

}  // namespace aethex::actors::chat_room_detail

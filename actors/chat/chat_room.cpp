#include "actors/chat/chat_room.hpp"
#include "actors/chat/chat_room_values.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <variant>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/channel/channel.hpp"
#include "actors/chat/chat_badges.hpp"
#include "actors/chat/chat_events.hpp"
#include "actors/chat/chat_room_ops.hpp"
#include "actors/chat/chat_room_state.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/core/text.hpp"
#include "actors/social/follows.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using chat_room_detail::broadcast;
using chat_room_detail::commit;
using chat_room_detail::commit_at;
using chat_room_detail::dump;
using chat_room_detail::fanout_entry;
using chat_room_detail::next_item_id;
using chat_room_detail::queue_line;
using chat_room_detail::room_actor;
using chat_room_detail::room_state;
using chat_room_detail::write_lines;
using chat_values::message;
using chat_values::moderates;
using chat_values::reject;
using chat_values::role;
using chat_values::role_name;
using chat_values::room_outcome;
using chat_values::settings;

using json = nlohmann::json;
using namespace std::chrono_literals;

namespace ev = chat_events;

constexpr auto idle_check_interval = 60s;
constexpr auto idle_before_passivation = 10min;
constexpr std::int64_t max_timeout_s = 14LL * 24 * 3600;
constexpr std::size_t max_term_chars = 100;
constexpr std::size_t max_user_chars = 64;
constexpr std::size_t max_reason_chars = 500;  // of a moderator's reason, in the log
constexpr std::size_t max_guest_origins = 4096;
constexpr std::int64_t announce_every_ms = 30'000;  // an announcement notifies every follower

// The room of a channel that does not exist holds no memory: a join of a random name must not
// park an actor for the idle period. Rooms with subscribers wait for the channel to appear.
void forget_unknown_room(room_actor* self) { (void)self->state.require_exists(self, caf::error{}); }

// Who owns the room: channel/<name>, or for a hosted room ("tournament:<id>") the entity that
// hosts it, asked with room_host_atom; both answer a channel_view.
auto request_room_owner(room_actor* self, const std::string& room) {
  auto message = caf::make_message(get_atom::value);
  std::string kind{"channel"}, id = room;
  if (const auto* hosted = hosted_room_of(room)) {
    kind = std::string{hosted->kind};
    id = room.substr(hosted->prefix.size());
    message = caf::make_message(room_host_atom::value);
  }
  return self->request(self->state.registry(), caf::infinite, route_atom::value, std::move(kind),
                       std::move(id), std::move(message));
}

void schedule_tick(room_actor* self) {
  auto& st = self->state;
  if (st.tick_pending)
    return;
  st.tick_pending = true;
  self->delayed_send(self, st.options.reaction_window, chat_tick_atom::value);
}

void on_tick(room_actor* self) {
  auto& st = self->state;
  st.tick_pending = false;
  if (!st.reactions.empty()) {
    broadcast(self, dump(json{{"type", "reactions"}, {"counts", st.reactions}}));
    st.reactions.clear();
  }
  auto viewers = st.viewers();
  if (viewers != st.viewers_sent) {
    auto now = std::chrono::steady_clock::now();
    if (now - st.presence_sent >= st.options.presence_interval) {
      st.viewers_sent = viewers;
      st.presence_sent = now;
      broadcast(self, dump(json{{"type", "presence"}, {"viewers", viewers}}));
    } else {
      schedule_tick(self);
    }
  }
}

// The first sub emote (`:code:` of tier > `tier`) in `text` its sender may not use, if any.
const std::pair<const std::string, int>* locked_emote(const room_state& st, std::string_view text,
                                                      int tier) {
  for (auto pos = text.find(':'); pos != std::string_view::npos;) {
    auto end = text.find(':', pos + 1);
    if (end == std::string_view::npos)
      break;
    if (auto it = st.emote_tiers.find(text.substr(pos + 1, end - pos - 1));
        it != st.emote_tiers.end() && it->second > tier)
      return &*it;
    pos = end;  // the closing colon may open the next one
  }
  return nullptr;
}

// A refusal, or nullopt when the line was shown and `reply` waits for its write (queue_line).
std::optional<room_outcome> handle_send(room_actor* self, const chat_identity& who,
                                        const std::string& text,
                                        caf::typed_response_promise<chat_ack>& reply,
                                        const caf::actor& sender) {
  auto& st = self->state;
  st.touch();
  if (!st.channel_known)
    return reject("not_found", "this channel does not exist");
  if (who.is_anonymous())
    return reject("sign_in_required", "sign in to chat");
  if (who.is_guest() && !st.config.guests)
    return reject("guests_off", "guests cannot chat in this room: sign in to chat");
  auto r = st.role_of(who);
  auto now = st.now_ms();
  if (r != role::broadcaster) {
    if (st.banned_now(who))
      return reject("banned", "you are banned from this chat");
    if (auto* until = st.timeout_of(who); until && *until > now)
      return reject("timed_out", "you are timed out for " +
                                   std::to_string((*until - now + 999) / 1000) + " more seconds");
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return reject("empty", "message is empty");
  if (utf8_length(text) > st.options.max_message_chars)
    return reject("too_long", "message is longer than " +
                                std::to_string(st.options.max_message_chars) + " characters");
  if (r != role::broadcaster && !st.config.blocked_terms.empty()) {
    auto folded = ascii_lower(text);
    for (auto& term : st.config.blocked_terms)
      if (folded.find(term) != std::string::npos)
        return reject("blocked_term", "your message contains a term that is blocked in this chat");
  }
  if (!moderates(r) && st.config.emote_only && !is_emote_only(text, &st.usable_emotes))
    return reject("emote_only", "this chat is in emote-only mode");
  auto sub_tier = st.sub_tier(who);
  if (r != role::broadcaster && !st.emote_tiers.empty())
    if (auto* locked = locked_emote(st, text, sub_tier))
      return reject("emote_locked", ":" + locked->first + ": is for tier " +
                                      std::to_string(locked->second) + " subscribers and up");
  if (!moderates(r) && st.config.followers_only) {
    // The send handler looked the user up first; guests cannot follow.
    auto since = who.is_user() ? st.follows.since(who.name, now) : std::nullopt;
    if (auto why = followers_only_refusal(since.value_or(follow_gate::not_following),
                                          st.config.followers_min_s, now, st.channel))
      return reject("followers_only", *why);
  }
  // Like Twitch, VIPs may write in subscribers-only chat too.
  if (!moderates(r) && r != role::vip && st.config.subscribers_only && sub_tier == 0)
    return reject("subscribers_only", "this chat is for subscribers only: subscribe to chat");
  auto& p = st.paces[st.pace_key(who)];
  // Like Twitch, VIPs skip slow mode (not the rate limit).
  if (!moderates(r) && r != role::vip && st.config.slow_s > 0 && p.last_ms > 0) {
    auto wait_ms = p.last_ms + std::int64_t{st.config.slow_s} * 1000 - now;
    if (wait_ms > 0)
      return reject("slow_mode", "slow mode is on: wait " + std::to_string((wait_ms + 999) / 1000) +
                                   " s before your next message");
  }
  auto window_ms = std::int64_t{st.config.rate_window_s} * 1000;
  while (!p.recent.empty() && p.recent.front() <= now - window_ms)
    p.recent.pop_front();
  if (r != role::broadcaster && p.recent.size() >= st.config.rate_count)
    return reject("rate_limited", "you are sending too fast: at most " +
                                    std::to_string(st.config.rate_count) + " messages per " +
                                    std::to_string(st.config.rate_window_s) + " s");
  if (auto held = chat_room_detail::automod_hold(self, who, r, text, sender))
    return *held;
  message m;
  m.id = st.version() + st.unwritten.size() + 1;  // this room is the stream's only writer
  m.user = who.display();
  m.text = text;
  if (who.is_guest()) {
    if (st.guest_origins.size() >= max_guest_origins)
      st.guest_origins.clear();  // forgetting only weakens bans of guests already gone
    st.guest_origins[who.name] = who.origin;
  }
  m.badges = st.message_badges(who, r);
  m.ts = now;
  // Viewers see the message as soon as it passed the rules; the write runs while it travels. The
  // sender's answer still waits for durability, and a failed write retracts the message.
  broadcast(self, dump(m.to_json()));
  p.last_ms = now;
  p.recent.push_back(now);
  if (st.paces.size() > 50000)  // bound memory of one-off senders
    std::erase_if(st.paces, [&](auto& kv) { return kv.second.last_ms < now - window_ms; });
  queue_line(self, ev::message{m.id, m.user, m.text, m.badges}, m.ts, reply);
  return std::nullopt;
}

// Answers `reply` now with a refusal, or once the line is written. `sender` is the sender's
// session (the requester: the registry delegates), read before the promise took it over.
void send_line(room_actor* self, const chat_identity& who, const std::string& text,
               caf::typed_response_promise<chat_ack> reply, const caf::actor& sender) {
  if (auto refused = handle_send(self, who, text, reply, sender)) {
    auto answer = chat_values::expected_of(std::move(*refused));
    answer ? reply.deliver(std::move(*answer)) : reply.deliver(std::move(answer.error()));
  }
}

// Pins (or, with empty text, clears) the room's announcement; the caller checked the role.
room_outcome handle_announce(room_actor* self, const std::string& by, const std::string& text) {
  auto& st = self->state;
  auto now = st.now_ms();
  if (!text.empty()) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
      return reject("empty", "announcement is empty");
    if (utf8_length(text) > st.options.max_message_chars)
      return reject("too_long", "announcement is longer than " +
                                  std::to_string(st.options.max_message_chars) + " characters");
    if (st.announced_ms > 0 && now - st.announced_ms < announce_every_ms)
      return reject(
        "rate_limited",
        "one announcement per " + std::to_string(announce_every_ms / 1000) + " s: wait " +
          std::to_string((st.announced_ms + announce_every_ms - now + 999) / 1000) + " s");
  } else if (!st.announcement) {
    return room_outcome{{}, "no announcement is pinned", 0};
  }
  ev::announced e{text.empty() ? 0 : next_item_id(self), text.empty() ? "" : by, text};
  if (auto failed = commit(self, e))
    return *failed;
  if (!text.empty())
    st.announced_ms = now;
  broadcast(self, dump(json{{"type", "announcement"},
                            {"id", e.id},
                            {"user", text.empty() ? json(nullptr) : json(by)},
                            {"text", text},
                            {"ts", now}}));
  return room_outcome{{}, text.empty() ? "announcement cleared" : "announcement pinned", e.id};
}

room_outcome handle_mod(room_actor* self, const chat_identity& who, const chat_command& cmd) {
  auto& st = self->state;
  write_lines(self);  // a moderator acts on what they saw, written lines included
  st.touch();
  if (!st.channel_known)
    return reject("not_found", "this channel does not exist");
  auto r = st.role_of(who);
  if (!moderates(r))
    return reject("forbidden", "only moderators can " + cmd.action);
  auto by = who.display();
  const auto& a = cmd.action;
  if (utf8_length(cmd.reason) > max_reason_chars)
    return reject("invalid", "a reason is at most 500 characters");
  if (a == "announce" && cmd.target.empty())
    return reject("empty", "announcement is empty");
  if (a == "announce" || a == "unannounce")
    return handle_announce(self, by, a == "announce" ? cmd.target : std::string{});
  if (a == "delete") {
    std::uint64_t id = 0;
    try {
      id = std::stoull(cmd.target);
    } catch (const std::exception&) {
      return reject("invalid", "delete needs a message id");
    }
    auto it = std::find_if(st.history.begin(), st.history.end(),
                           [id](const message& m) { return m.id == id; });
    if (it == st.history.end())
      return reject("not_found",
                    "no such message among the last " + std::to_string(st.options.history));
    if (auto failed = commit(self, ev::message_deleted{id, by, cmd.reason}))
      return *failed;
    broadcast(self, dump(json{{"type", "deleted"}, {"id", id}, {"by", by}}));
    return room_outcome{{}, "message deleted", id};
  }
  const auto& target = cmd.target;
  if (target.empty() || target.size() > max_user_chars)
    return reject("invalid", a + " needs a user name");
  auto target_role = st.role_of_target(target);
  // Moderating a guest reaches its address too (see room_state::banned_now).
  std::string origin;
  if (target.starts_with("guest:"))
    if (auto it = st.guest_origins.find(target.substr(6)); it != st.guest_origins.end())
      origin = it->second;
  if (target_role == role::broadcaster)
    return reject("forbidden", "the broadcaster cannot be moderated");
  bool by_broadcaster = r == role::broadcaster;
  if (a == "vip" || a == "unvip" || a == "editor" || a == "uneditor") {
    if (!by_broadcaster)
      return reject("forbidden", "only the broadcaster can " + a);
    return chat_room_detail::change_role(self, who, cmd);
  }
  if (a == "mod" || a == "unmod") {
    if (!by_broadcaster)
      return reject("forbidden", "only the broadcaster can " + a);
    bool add = a == "mod";
    if (add == (target_role == role::moderator))
      return room_outcome{
        {}, target + (add ? " is already a moderator" : " is not a moderator"), 0};
    auto failed = add ? commit(self, ev::moderator_added{target, by, cmd.reason})
                      : commit(self, ev::moderator_removed{target, by, cmd.reason});
    if (failed)
      return *failed;
    broadcast(self,
              dump(json{{"type", "moderation"}, {"action", a}, {"user", target}, {"by", by}}));
    return room_outcome{
      {}, target + (add ? " is now a moderator" : " is no longer a moderator"), 0};
  }
  if (target_role == role::moderator && !by_broadcaster)
    return reject("forbidden", "only the broadcaster can " + a + " a moderator");
  json frame{{"type", "moderation"}, {"action", a}, {"user", target}, {"by", by}};
  std::variant<ev::user_timed_out, ev::user_untimed_out, ev::user_banned, ev::user_unbanned> event;
  std::string done;
  if (a == "timeout") {
    if (cmd.amount < 1 || cmd.amount > max_timeout_s)
      return reject("invalid", "timeout duration must be 1 to 1209600 seconds");
    auto until = st.now_ms() + cmd.amount * 1000;
    event = ev::user_timed_out{target, origin, until, by, cmd.reason};
    frame["until_ms"] = until;
    frame["duration_s"] = cmd.amount;
    done = target + " is timed out for " + std::to_string(cmd.amount) + " s";
  } else if (a == "untimeout") {
    event = ev::user_untimed_out{target, origin, by, cmd.reason};
    done = target + " may chat again";
  } else if (a == "ban") {
    if (st.banned.count(target))
      return room_outcome{{}, target + " is already banned", 0};
    event = ev::user_banned{target, origin, by, cmd.reason};
    done = target + " is banned";
  } else if (a == "unban") {
    if (!st.banned.count(target))
      return room_outcome{{}, target + " is not banned", 0};
    event = ev::user_unbanned{target, origin, by, cmd.reason};
    done = target + " is unbanned";
  } else {
    return reject("invalid", "unknown moderation action '" + a + "'");
  }
  if (auto failed = std::visit([self](const auto& e) { return commit(self, e); }, event))
    return *failed;
  broadcast(self, dump(frame));
  return room_outcome{{}, done, 0};
}

room_outcome handle_settings(room_actor* self, const chat_identity& who,
                             const chat_settings_patch& patch) {
  auto& st = self->state;
  st.touch();
  if (!st.channel_known)
    return reject("not_found", "this channel does not exist");
  if (!moderates(st.role_of(who)))
    return reject("forbidden", "only moderators can change chat settings");
  if (utf8_length(patch.reason) > max_reason_chars)
    return reject("invalid", "a reason is at most 500 characters");
  auto next = st.config;
  if (auto problem = next.apply(patch))
    return reject("invalid", *problem);
  if (patch.set_blocked_terms) {
    if (patch.blocked_terms.size() > st.options.max_blocked_terms)
      return reject("invalid",
                    "at most " + std::to_string(st.options.max_blocked_terms) + " blocked terms");
    next.blocked_terms.clear();
    for (auto& term : patch.blocked_terms) {
      if (term.empty() || utf8_length(term) > max_term_chars)
        return reject("invalid", "blocked terms are 1 to 100 characters");
      next.blocked_terms.push_back(ascii_lower(term));
    }
  }
  if (patch.set_allowed_terms) {
    if (patch.allowed_terms.size() > st.options.max_blocked_terms)
      return reject("invalid",
                    "at most " + std::to_string(st.options.max_blocked_terms) + " allowed terms");
    next.allowed_terms.clear();
    for (auto& term : patch.allowed_terms) {
      if (term.empty() || utf8_length(term) > max_term_chars)
        return reject("invalid", "allowed terms are 1 to 100 characters");
      next.allowed_terms.push_back(ascii_lower(term));
    }
  }
  if (auto failed = commit(self,
                           ev::settings_changed{next.to_json(true), who.display(), patch.reason}))
    return *failed;
  broadcast(self, dump(json{{"type", "settings"}, {"settings", st.config.to_json(false)}}));
  return room_outcome{{}, "chat settings updated", 0};
}

std::string info_json(room_state& st, const chat_identity& who) {
  auto r = st.role_of(who);
  json j{{"channel", st.channel},     {"role", role_name(r)},
         {"roles", st.roles_of(who)}, {"settings", st.config.to_json(moderates(r))},
         {"viewers", st.viewers()},   {"announcement", st.announcement_json()}};
  if (st.banned_now(who))
    j["banned"] = true;
  if (auto* until = st.timeout_of(who); until && *until > st.now_ms())
    j["timeout_until_ms"] = *until;
  return dump(j);
}

caf::behavior room_behavior(room_actor* self, caf::actor registry, storage::event_store* store,
                            std::string channel, chat_options options) {
  auto& st = self->state;
  st.channel = channel;
  st.options = options;
  st.config.rate_count = options.rate_count;
  st.config.rate_window_s = options.rate_window_s;
  st.config.guests = options.guests_default;
  if (auto err = st.activate(self, *store, channel,
                             {registry, options.clock, idle_check_interval, idle_before_passivation,
                              options.snapshot_every}))
    return st.refuse(self, std::move(err));
  // The owner decides who the broadcaster is; nothing else is handled until it is known.
  request_room_owner(self, channel)
    .await(
      [self](const channel_view& view) {
        self->state.owner = view.owner;
        self->state.owner_is_admin = view.owner_is_admin;
        self->state.channel_known = true;
      },
      [self](const caf::error&) { forget_unknown_room(self); });
  self->set_down_handler([self](const caf::down_msg& down) {
    self->state.mod_watchers.erase(down.source);
    if (self->state.fanouts.erase(down.source) > 0)
      schedule_tick(self);
  });
  caf::message_handler chat{
    [self](chat_info_atom, const chat_identity& who) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (st.channel_known)
        return info_json(st, who);
      if (st.passivating())  // the channel was just found missing; a new activation asks again
        return make_error(errc::not_found, "this channel does not exist");
      // The channel may have been created since this room started.
      auto rp = self->make_response_promise<std::string>();
      request_room_owner(self, st.channel)
        .then(
          [self, rp, who](const channel_view& view) mutable {
            self->state.owner = view.owner;
            self->state.owner_is_admin = view.owner_is_admin;
            self->state.channel_known = true;
            rp.deliver(info_json(self->state, who));
          },
          [self, rp](const caf::error&) mutable {
            rp.deliver(make_error(errc::not_found, "this channel does not exist"));
            forget_unknown_room(self);
          });
      return rp;
    },
    [self](chat_sub_atom, const caf::actor& fanout) -> std::string {
      auto& st = self->state;
      write_lines(self);  // a line shown before this join is in its history
      if (st.fanouts.emplace(fanout.address(), fanout_entry{fanout, 0}).second)
        self->monitor(fanout);
      return st.history_json();
    },
    [self](chat_hist_atom) -> std::string {
      write_lines(self);
      return self->state.history_json();
    },
    [self](presence_atom, const caf::actor& fanout, std::uint32_t viewers) {
      auto& st = self->state;
      auto it = st.fanouts.find(fanout.address());
      if (it == st.fanouts.end())
        return;
      it->second.viewers = viewers;
      schedule_tick(self);
    },
    [self](chat_send_atom, const chat_identity& who,
           const std::string& text) -> caf::result<chat_ack> {
      auto& st = self->state;
      auto sender = caf::actor_cast<caf::actor>(self->current_sender());
      auto rp = self->make_response_promise<chat_ack>();
      if (!st.config.followers_only || !who.is_user() || moderates(st.role_of(who)) ||
          st.follows.since(who.name, st.now_ms())) {
        send_line(self, who, text, rp, sender);
        return rp;
      }
      // Followers-only and this writer not looked up lately: ask their follows first.
      entity_ref<follows_protocol>{st.registry(), who.name}
        .request_within(self, entity_ask_timeout, get_atom::value)
        .then(
          [self, rp, who, text, sender](const follows_view& view) mutable {
            self->state.follows.remember(view, self->state.channel, self->state.now_ms());
            send_line(self, who, text, rp, sender);
          },
          [rp](const caf::error&) mutable {
            rp.deliver(make_error(errc::unavailable, "cannot check follows right now; try again",
                                  "unavailable"));
          });
      return rp;
    },
    [self](chat_mod_atom, const chat_identity& who, const chat_command& cmd) {
      return chat_values::reply_of(handle_mod(self, who, cmd));
    },
    [self](chat_set_atom, const chat_identity& who, const chat_settings_patch& patch) {
      return chat_values::reply_of(handle_settings(self, who, patch));
    },
    [self](chat_react_atom, const chat_identity& who, const std::string& kind) {
      auto& st = self->state;
      auto& kinds = reaction_kinds();
      if (!st.channel_known || who.is_anonymous() || (who.is_guest() && !st.config.guests) ||
          st.banned_now(who) || std::find(kinds.begin(), kinds.end(), kind) == kinds.end())
        return;
      ++st.reactions[kind];
      schedule_tick(self);
    },
    [self](chat_tick_atom) { on_tick(self); },
    [self](chat_flush_atom) {
      self->state.lines_flush_armed = false;
      write_lines(self);
    },
    // Only actors send this (no client frame becomes it): other domains' room-wide frames.
    [self](chat_relay_atom, const std::string& frame) {
      self->state.touch();
      broadcast(self, frame);
    },
    [self](chat_emotes_atom, const std::string& codes) {
      auto& st = self->state;
      auto parsed = nlohmann::json::parse(codes, nullptr, false);
      chat_events::emotes_set e;
      if (!parsed.is_array())
        return;
      for (auto& code : parsed) {
        if (e.codes.size() >= 256)
          break;
        if (code.is_string()) {
          e.codes.push_back(code.get<std::string>());
        } else if (code.is_object() && code.value("code", json()).is_string()) {
          e.codes.push_back(code["code"].get<std::string>());
          if (auto tier = code.value("tier", 0); tier >= 1 && tier <= 3)
            e.tiers[e.codes.back()] = tier;
        }
      }
      if (std::set<std::string, std::less<>>{e.codes.begin(), e.codes.end()} != st.custom_emotes ||
          std::map<std::string, int, std::less<>>{e.tiers.begin(), e.tiers.end()} != st.emote_tiers)
        (void)commit(self,
                     e);  // on a failed write the room keeps the old codes until the next change
    },
    // Only actors/subscriptions sends this (no client frame becomes it).
    [self](chat_subscriber_atom, const std::string& user, std::int32_t tier, std::uint32_t months) {
      auto& st = self->state;
      auto it = st.subscribers.find(user);
      bool same = tier <= 0 ? it == st.subscribers.end()
                            : it != st.subscribers.end() && it->second.tier == tier &&
                                it->second.months == months;
      if (!same && !user.empty())
        (void)commit(self, chat_events::subscriber_set{user, tier, months});
    },
    [self](chat_badges_atom, const std::string& user, const std::string& text) {
      auto& st = self->state;
      auto badges = accepted_chat_badges(text);
      if (badges.empty()) {
        st.chat_badges.erase(user);
        return;
      }
      if (st.chat_badges.size() >= chat_badge_users_max && !st.chat_badges.count(user))
        st.chat_badges.clear();  // cosmetic: users get theirs back when they join again
      st.chat_badges[user] = std::move(badges);
    },
    // Lines shown before the room goes (a rebalance, a shutdown) are written first.
    [self, stop = self->state.stop_on_request(self)](passivate_atom) {
      write_lines(self);
      stop(passivate_atom::value);
    },
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
  return chat.or_else(chat_room_detail::moderation_handlers(self));
}

}  // namespace

caf::actor spawn_chat_room(caf::actor_system& sys, const caf::actor& registry,
                           storage::event_store& store, const std::string& channel,
                           const chat_options& options) {
  return sys.spawn(room_behavior, registry, &store, channel, options);
}

void add_chat_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                   chat_options options) {
  kinds.factories["chat"] = [&store, options](caf::actor_system& sys, const caf::actor& registry,
                                              const std::string& id) {
    return spawn_chat_room(sys, registry, store, id, options);
  };
}

}  // namespace aethex::actors

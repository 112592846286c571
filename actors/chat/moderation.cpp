// Community moderation in the room (docs/moderation.md): AutoMod's hold and the review of held
// messages, VIP and editor roles, the moderation log, user cards, unban requests and shared ban
// lists. The room's own rules (sending, deleting, timeouts, bans) are in chat_room.cpp.
#include <algorithm>
#include <functional>
#include <set>

#include <caf/all.hpp>

#include "actors/chat/automod.hpp"
#include "actors/chat/chat_room.hpp"
#include "actors/chat/chat_room_ops.hpp"

namespace aethex::actors::chat_room_detail {
namespace {

using chat_values::moderates;
using chat_values::reply_of;
using chat_values::role;

constexpr std::size_t max_watchers = 256;  // moderators' sessions told of held messages
constexpr std::size_t max_reason_chars = 500;
constexpr std::size_t max_request_chars = 500;
constexpr std::size_t max_import = 1000;
constexpr std::size_t max_user_chars = 64;
constexpr std::size_t card_messages = 20;
constexpr std::int64_t repeat_window_ms = 30'000;
constexpr std::size_t remembered_texts = 3;

// The refusal for anyone who does not moderate the room, or nullopt.
std::optional<room_outcome> moderators_only(room_actor* self, const chat_identity& who,
                                            const std::string& what) {
  auto& st = self->state;
  st.touch();
  if (!st.channel_known)
    return reject("not_found", "this channel does not exist");
  if (!moderates(st.role_of(who)))
    return reject("forbidden", "only moderators can " + what);
  return std::nullopt;
}

std::optional<room_outcome> reason_check(const std::string& reason) {
  if (utf8_length(reason) > max_reason_chars)
    return reject("invalid", "a reason is at most 500 characters");
  return std::nullopt;
}

// Frames for moderators only go to the sessions of moderators in the room (chat_watch_atom),
// checked again at each frame so an unmodded user stops getting them at once.
void tell_moderators(room_actor* self, const json& frame) {
  auto& st = self->state;
  if (st.mod_watchers.empty())
    return;
  auto text = dump(frame);
  for (auto it = st.mod_watchers.begin(); it != st.mod_watchers.end();) {
    if (!moderates(st.role_of(it->second.second))) {
      it = st.mod_watchers.erase(it);
      continue;
    }
    self->send(it->second.first, chat_modq_atom::value, st.channel, text);
    ++it;
  }
}

std::vector<std::string> badges_of(const room_state& st, const std::string& user) {
  std::vector<std::string> badges;
  auto r = st.role_of_target(user);
  if (r == role::broadcaster || r == role::moderator)
    badges.push_back(chat_values::role_name(r));
  if (st.book.editors.count(user))
    badges.push_back("editor");
  if (st.book.vips.count(user))
    badges.push_back("vip");
  return badges;
}

std::string text_key(const std::string& text) {
  std::string key;
  for (auto& w : automod::normalised_words(text))
    key += w + " ";
  return key;
}

room_outcome review(room_actor* self, const chat_identity& who, std::uint64_t id,
                    const std::string& action, const std::string& reason) {
  if (auto refused = moderators_only(self, who, "review held messages"))
    return *refused;
  if (action != "approve" && action != "deny")
    return reject("invalid", "action must be \"approve\" or \"deny\"");
  if (auto refused = reason_check(reason))
    return *refused;
  auto& st = self->state;
  auto it = st.book.held.find(id);
  if (it == st.book.held.end())
    return reject("not_found", "no held message " + std::to_string(id) +
                                 " (it was reviewed already, or dropped from a full queue)");
  auto item = it->second;
  auto by = who.display();
  ev::automod_resolved resolved{id, action, by, reason};
  json note{{"type", "automod_resolved"}, {"id", id}, {"action", action}, {"by", by}};
  auto sender = st.held_senders.extract(id);
  if (action == "deny") {
    if (auto failed = commit(self, resolved))
      return *failed;
    tell_moderators(self, note);
    if (sender)
      self->send(sender.mapped(), chat_modq_atom::value, st.channel,
                 dump(json{{"type", "notice"},
                           {"code", "automod_denied"},
                           {"message", "A moderator did not approve your message."}}));
    return room_outcome{{}, "held message denied", 0};
  }
  // Shown now, under a new id (ids follow the stream), flagged so clients can tell.
  chat_values::message m{st.version() + 2,         item.user,   item.text,
                         badges_of(st, item.user), st.now_ms(), true};
  if (auto failed = commit_at(self, m.ts, resolved,
                              ev::message{m.id, m.user, m.text, m.badges, true}))
    return *failed;
  broadcast(self, dump(m.to_json()));
  note["message_id"] = m.id;
  tell_moderators(self, note);
  return room_outcome{{}, "held message approved", m.id};
}

json log_json(const room_state& st, std::uint32_t limit, std::uint64_t before) {
  json entries = json::array();
  for (auto it = st.book.log.rbegin(); it != st.book.log.rend() && entries.size() < limit; ++it)
    if (before == 0 || it->seq < before)
      entries.push_back(it->to_json());
  json next = entries.size() == limit && !entries.empty() ? entries.back()["id"] : json(nullptr);
  return json{{"entries", entries}, {"next_before", next}};
}

json card_json(const room_state& st, const std::string& user) {
  json messages = json::array();
  for (auto it = st.history.rbegin(); it != st.history.rend() && messages.size() < card_messages;
       ++it)
    if (it->user == user)
      messages.push_back(it->to_json());
  json actions = json::array();
  for (auto it = st.book.log.rbegin(); it != st.book.log.rend(); ++it)
    if (it->target == user)
      actions.push_back(it->to_json());
  json j{
    {"user", user},         {"roles", json::array()},      {"banned", st.banned.count(user) > 0},
    {"ban", nullptr},       {"timeout_until_ms", nullptr}, {"messages", messages},
    {"moderation", actions}};
  auto r = st.role_of_target(user);
  if (r == role::broadcaster)
    j["roles"].push_back("broadcaster");
  if (st.moderators.count(user))
    j["roles"].push_back("moderator");
  if (st.book.editors.count(user))
    j["roles"].push_back("editor");
  if (st.book.vips.count(user))
    j["roles"].push_back("vip");
  if (auto ban = st.book.bans.find(user); ban != st.book.bans.end())
    j["ban"] = json{
      {"at_ms", ban->second.at_ms}, {"by", ban->second.by}, {"reason", ban->second.reason}};
  if (auto t = st.timeouts.find(user); t != st.timeouts.end() && t->second > st.now_ms())
    j["timeout_until_ms"] = t->second;
  return j;
}

room_outcome ask_unban(room_actor* self, const chat_identity& who, const std::string& text) {
  auto& st = self->state;
  st.touch();
  if (!st.channel_known)
    return reject("not_found", "this channel does not exist");
  if (who.is_anonymous())
    return reject("sign_in_required", "sign in to ask for an unban");
  auto user = who.display();
  if (!st.banned.count(user))
    return reject("not_banned", "you are not banned from this chat");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return reject("empty", "say why you should be unbanned");
  if (utf8_length(text) > max_request_chars)
    return reject("too_long", "an unban request is at most 500 characters");
  if (st.book.request_for_ban(user))
    return reject("already_requested", "you already asked to be unbanned from this ban");
  auto ban = st.book.bans.find(user);
  ev::unban_requested e{next_item_id(self), user, text,
                        ban == st.book.bans.end() ? 0 : ban->second.seq};
  if (auto failed = commit(self, e))
    return *failed;
  if (auto it = st.book.requests.find(e.id); it != st.book.requests.end())
    tell_moderators(self, json{{"type", "unban_request"}, {"request", it->second.to_json()}});
  return room_outcome{{}, "your unban request was sent to the moderators", e.id};
}

room_outcome decide_unban(room_actor* self, const chat_identity& who, std::uint64_t id,
                          const std::string& action, const std::string& reason) {
  if (auto refused = moderators_only(self, who, "decide unban requests"))
    return *refused;
  if (action != "accept" && action != "deny")
    return reject("invalid", "action must be \"accept\" or \"deny\"");
  if (auto refused = reason_check(reason))
    return *refused;
  auto& st = self->state;
  auto it = st.book.requests.find(id);
  if (it == st.book.requests.end())
    return reject("not_found", "no unban request " + std::to_string(id));
  if (it->second.status != "pending")
    return reject("conflict",
                  "unban request " + std::to_string(id) + " is already " + it->second.status);
  auto user = it->second.user;
  auto by = who.display();
  ev::unban_request_decided decided{id, action, by, reason};
  bool unban = action == "accept" && st.banned.count(user);
  auto failed = unban ? commit(self, decided, ev::user_unbanned{user, "", by, reason})
                      : commit(self, decided);
  if (failed)
    return *failed;
  if (unban)
    broadcast(self,
              dump(json{{"type", "moderation"}, {"action", "unban"}, {"user", user}, {"by", by}}));
  return room_outcome{{}, action == "accept" ? user + " is unbanned" : "unban request denied", 0};
}

json requests_json(const room_state& st, const std::string& status) {
  json list = json::array();
  for (auto it = st.book.requests.rbegin(); it != st.book.requests.rend(); ++it)
    if (status == "all" || it->second.status == status)
      list.push_back(it->second.to_json());
  return json{{"requests", list}};
}

json bans_json(const room_state& st) {
  json list = json::array();
  for (auto& user : st.banned) {
    if (user.starts_with("guest@"))
      continue;  // a guest's address is not a name another channel could ban
    auto r = st.book.bans.find(user);
    list.push_back(json{{"user", user},
                        {"reason", r == st.book.bans.end() ? "" : r->second.reason},
                        {"at_ms", r == st.book.bans.end() ? 0 : r->second.at_ms},
                        {"by", r == st.book.bans.end() ? "" : r->second.by}});
  }
  return json{{"bans", list}};
}

caf::result<std::string> import_bans(room_actor* self, const chat_identity& who,
                                     const std::vector<std::string>& users,
                                     const std::vector<std::string>& reasons) {
  if (auto refused = moderators_only(self, who, "import bans"))
    return chat_values::expected_of(*refused).error();
  if (users.size() > max_import || reasons.size() != users.size())
    return make_error(errc::invalid_argument, "at most 1000 bans per import", "invalid");
  auto& st = self->state;
  bool by_broadcaster = st.role_of(who) == role::broadcaster;
  ev::bans_imported e;
  e.by = who.display();
  std::size_t already = 0, refused = 0;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < users.size(); ++i) {
    const auto& user = users[i];
    if (user.empty() || user.size() > max_user_chars || utf8_length(reasons[i]) > max_reason_chars)
      return make_error(errc::invalid_argument,
                        "ban " + std::to_string(i) + ": a user name (1-64) and a reason up to 500",
                        "invalid");
    if (st.banned.count(user) || !seen.insert(user).second) {
      ++already;
      continue;
    }
    auto target = st.role_of_target(user);
    // Nobody bans the broadcaster; only the broadcaster bans a moderator.
    if (target == role::broadcaster || (target == role::moderator && !by_broadcaster)) {
      ++refused;
      continue;
    }
    e.bans.push_back({user, reasons[i]});
  }
  if (!e.bans.empty())
    if (auto failed = commit(self, e))
      return chat_values::expected_of(*failed).error();
  return dump(json{
    {"imported", e.bans.size()}, {"already_banned", already}, {"not_allowed", refused}});
}

}  // namespace

std::optional<room_outcome> automod_hold(room_actor* self, const chat_identity& who, role r,
                                         const std::string& text, const caf::actor& sender) {
  auto& st = self->state;
  if (st.config.automod_level == 0 || moderates(r))
    return std::nullopt;
  auto now = st.now_ms();
  auto& p = st.paces[st.pace_key(who)];
  auto key = std::hash<std::string>{}(text_key(text));
  bool repeated = false;
  for (auto& [hash, at] : p.texts)
    repeated = repeated || (hash == key && at > now - repeat_window_ms);
  p.texts.emplace_back(key, now);
  while (p.texts.size() > remembered_texts)
    p.texts.pop_front();
  auto verdict = automod::classify({text, st.config.automod_level, r == role::vip,
                                    st.config.links_allowed, repeated, &st.config.allowed_terms,
                                    &st.usable_emotes});
  if (!verdict)
    return std::nullopt;
  ev::automod_held e{
    next_item_id(self), who.display(),          who.is_guest() ? who.origin : "", text,
    verdict->category,  st.config.automod_level};
  if (auto failed = commit_at(self, now, e))
    return *failed;
  // A held message counts toward the sender's pace, or holding would be a way around it.
  p.last_ms = now;
  p.recent.push_back(now);
  if (auto it = st.book.held.find(e.id); it != st.book.held.end())
    tell_moderators(self, json{{"type", "automod_held"}, {"item", it->second.to_json()}});
  // The sender's session hears if it is denied. Held items dropped from a full queue leave
  // their entry: pruned to the queue's size here.
  if (sender) {
    st.held_senders[e.id] = sender;
    std::erase_if(st.held_senders, [&](auto& entry) { return !st.book.held.count(entry.first); });
  }
  return reject("held", "your message is held for review by the moderators");
}

room_outcome change_role(room_actor* self, const chat_identity& who, const chat_command& cmd) {
  auto& st = self->state;
  const auto& a = cmd.action;
  bool add = !a.starts_with("un");
  auto name = add ? a : a.substr(2);
  auto& holders = name == "vip" ? st.book.vips : st.book.editors;
  auto label = name == "vip" ? std::string{"a VIP"} : std::string{"an editor"};
  if (auto refused = reason_check(cmd.reason))
    return *refused;
  if (add == (holders.count(cmd.target) > 0))
    return room_outcome{{}, cmd.target + (add ? " is already " : " is not ") + label, 0};
  auto by = who.display();
  auto failed = add ? commit(self, ev::role_granted{cmd.target, name, by, cmd.reason})
                    : commit(self, ev::role_revoked{cmd.target, name, by, cmd.reason});
  if (failed)
    return *failed;
  st.history_frame.reset();
  broadcast(self,
            dump(json{{"type", "moderation"}, {"action", a}, {"user", cmd.target}, {"by", by}}));
  return room_outcome{{}, cmd.target + (add ? " is now " : " is no longer ") + label, 0};
}

caf::message_handler moderation_handlers(room_actor* self) {
  return {
    // Only actors/orgstreams sends this: the org's whole policy (shared emotes included); the
    // room stores the change.
    [self](chat_org_atom, const std::string& policy) {
      auto& st = self->state;
      auto j = nlohmann::json::parse(policy, nullptr, false);
      if (!j.is_object() || !j.value("org", nlohmann::json()).is_string())
        return;
      chat_events::org_policy_set e;
      e.org = j["org"].get<std::string>();
      std::set<std::string> mods, banned;
      for (auto& u : j.value("moderators", nlohmann::json::array()))
        if (u.is_string() && mods.size() < 100)
          mods.insert(u.get<std::string>());
      for (auto& u : j.value("banned", nlohmann::json::array()))
        if (u.is_string() && banned.size() < 10'000)
          banned.insert(u.get<std::string>());
      std::set<std::string, std::less<>> emotes;
      for (auto& c : j.value("emotes", nlohmann::json::array()))
        if (c.is_string() && emotes.size() < 100)
          emotes.insert(c.get<std::string>());
      e.emotes = {emotes.begin(), emotes.end()};
      bool same_org = e.org == st.org;
      for (auto& u : banned)
        if (!same_org || !st.org_banned.count(u))
          e.banned.push_back(u);
      if (same_org)
        for (auto& u : st.org_banned)
          if (!banned.count(u))
            e.unbanned.push_back(u);
      if (same_org && mods == st.org_moderators && e.banned.empty() && e.unbanned.empty() &&
          emotes == st.org_emotes)
        return;
      e.moderators = {mods.begin(), mods.end()};
      (void)commit(self, e);  // on a failed write the next push tries again
    },
    [self](chat_watch_atom, const chat_identity& who, const caf::actor& session) {
      auto& st = self->state;
      if (!st.channel_known || !session || !moderates(st.role_of(who)) ||
          st.mod_watchers.size() >= max_watchers)
        return false;
      if (st.mod_watchers.emplace(session.address(), std::make_pair(session, who)).second)
        self->monitor(session);
      return true;
    },
    [self](chat_queue_atom, const chat_identity& who) -> caf::result<std::string> {
      if (auto refused = moderators_only(self, who, "see held messages"))
        return chat_values::expected_of(*refused).error();
      json items = json::array();
      for (auto& [_, item] : self->state.book.held)
        items.push_back(item.to_json());
      return dump(json{{"items", items}});
    },
    [self](chat_review_atom, const chat_identity& who, std::uint64_t id, const std::string& action,
           const std::string& reason) { return reply_of(review(self, who, id, action, reason)); },
    [self](chat_log_atom, const chat_identity& who, std::uint32_t limit,
           std::uint64_t before) -> caf::result<std::string> {
      if (auto refused = moderators_only(self, who, "read the moderation log"))
        return chat_values::expected_of(*refused).error();
      return dump(log_json(self->state, std::clamp<std::uint32_t>(limit, 1, 100), before));
    },
    [self](chat_card_atom, const chat_identity& who,
           const std::string& user) -> caf::result<std::string> {
      if (auto refused = moderators_only(self, who, "see user cards"))
        return chat_values::expected_of(*refused).error();
      return dump(card_json(self->state, user));
    },
    [self](chat_roles_atom, const chat_identity& who) -> caf::result<std::string> {
      if (auto refused = moderators_only(self, who, "list the room's roles"))
        return chat_values::expected_of(*refused).error();
      auto& st = self->state;
      return dump(json{
        {"moderators", st.moderators}, {"vips", st.book.vips}, {"editors", st.book.editors}});
    },
    [self](unban_ask_atom, const chat_identity& who, const std::string& text) {
      return reply_of(ask_unban(self, who, text));
    },
    [self](unban_list_atom, const chat_identity& who,
           const std::string& status) -> caf::result<std::string> {
      if (auto refused = moderators_only(self, who, "read unban requests"))
        return chat_values::expected_of(*refused).error();
      if (status != "pending" && status != "accepted" && status != "denied" && status != "all")
        return make_error(errc::invalid_argument, "status must be pending, accepted, denied or all",
                          "invalid");
      return dump(requests_json(self->state, status));
    },
    [self](unban_decide_atom, const chat_identity& who, std::uint64_t id, const std::string& action,
           const std::string& reason) {
      return reply_of(decide_unban(self, who, id, action, reason));
    },
    [self](chat_bans_atom, const chat_identity& who) -> caf::result<std::string> {
      if (auto refused = moderators_only(self, who, "export the ban list"))
        return chat_values::expected_of(*refused).error();
      return dump(bans_json(self->state));
    },
    [self](chat_ban_import_atom, const chat_identity& who, const std::vector<std::string>& users,
           const std::vector<std::string>& reasons) {
      return import_bans(self, who, users, reasons);
    },
  };
}

}  // namespace aethex::actors::chat_room_detail

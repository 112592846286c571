#include "actors/orgstreams/policy_book.hpp"

#include <algorithm>

#include "actors/core/icalendar.hpp"
#include "actors/core/text.hpp"
#include "actors/orgstreams/orgstreams.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

caf::error policy_invalid(std::string message) {
  return make_error(errc::invalid_argument, std::move(message));
}

}  // namespace

std::string org_of_member_key(std::string_view key) {
  // live_<channel>_o.<slug>.<secret>
  auto under = key.rfind('_');
  if (!key.starts_with("live_") || under == std::string_view::npos)
    return {};
  auto rest = key.substr(under + 1);
  if (!rest.starts_with("o."))
    return {};
  rest.remove_prefix(2);
  auto dot = rest.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= rest.size())
    return {};
  return std::string{rest.substr(0, dot)};
}

std::string new_member_key(std::string_view channel, std::string_view slug) {
  return "live_" + std::string{channel} + "_o." + std::string{slug} + "." + runtime::random_hex(16);
}

org_facts org_facts_of(const json& org) {
  org_facts facts;
  for (auto& m : org.value("members", json::array()))
    if (m.is_object())
      facts.roles[m.value("user", "")] = m.value("role", "");
  for (auto& c : org.value("channels", json::array()))
    if (c.is_string())
      facts.channels.insert(c.get<std::string>());
  return facts;
}

// ---- rules ----

caf::error policy_book::can_add_moderator(const std::string& user) const {
  if (!moderators_.count(user) && moderators_.size() >= orgstreams_limits::moderators_max)
    return make_error(errc::conflict, "an org has at most 100 shared moderators",
                      "moderators_full");
  return caf::none;
}

caf::error policy_book::can_ban(const std::string& user, const std::string& reason) const {
  if (utf8_length(reason) > orgstreams_limits::reason_max)
    return policy_invalid("'reason' must be at most 500 characters");
  if (!bans_.count(user) && bans_.size() >= orgstreams_limits::bans_max)
    return make_error(errc::conflict, "an org bans at most 10000 users", "bans_full");
  return caf::none;
}

caf::error policy_book::can_set_rule(const org_facts& org, const std::string& channel,
                                     const std::vector<std::string>& members) const {
  if (!org.channels.count(channel))
    return make_error(errc::not_found, "'" + channel + "' is not a channel of this org");
  if (members.size() > orgstreams_limits::rule_members_max)
    return policy_invalid("a rule names at most 100 members");
  for (auto& m : members)
    if (!org.roles.count(m))
      return policy_invalid("'" + m + "' is not a member of this org");
  return caf::none;
}

caf::error policy_book::can_schedule(const org_facts& org, const schedule_entry& e,
                                     std::int64_t now) const {
  if (!org.channels.count(e.channel))
    return make_error(errc::not_found, "'" + e.channel + "' is not a channel of this org");
  auto n = utf8_length(e.title);
  if (n < 1 || n > orgstreams_limits::title_max)
    return policy_invalid("'title' must be 1-200 characters");
  if (e.duration_min < 1 || e.duration_min > orgstreams_limits::duration_min_max)
    return policy_invalid("'duration_min' must be 1-1440");
  if (e.starts_at_ms <= 0 || e.ends_at_ms() <= now)
    return policy_invalid("'starts_at_ms' must be a time whose slot is not over");
  if (!e.streamer.empty() && !org.roles.count(e.streamer))
    return policy_invalid("'streamer' is not a member of this org");
  if (upcoming(now) >= orgstreams_limits::schedule_upcoming_max)
    return make_error(errc::conflict, "an org schedules at most 500 upcoming streams",
                      "schedule_full");
  return caf::none;
}

// ---- changes ----

void policy_book::add_moderator(const std::string& user, const std::string& by) {
  moderators_[user] = by;
}
void policy_book::remove_moderator(const std::string& user) { moderators_.erase(user); }
void policy_book::ban(const std::string& user, org_ban ban) { bans_[user] = std::move(ban); }
void policy_book::unban(const std::string& user) { bans_.erase(user); }

void policy_book::set_rule(const std::string& channel, std::set<std::string> members) {
  if (members.empty())
    rules_.erase(channel);
  else
    rules_[channel] = std::move(members);
}

void policy_book::issue_key(const std::string& channel, const std::string& member,
                            std::string digest) {
  keys_[{channel, member}] = std::move(digest);
}

void policy_book::revoke_key(const std::string& channel, const std::string& member) {
  keys_.erase({channel, member});
}

void policy_book::schedule(schedule_entry e) {
  // Entries over for more than 30 days leave the state, so it stays bounded; the event's own
  // time decides, so replay drops the same ones.
  auto horizon = e.created_at_ms - 30LL * 24 * 3600 * 1000;
  std::erase_if(schedule_, [horizon](auto& kv) { return kv.second.ends_at_ms() < horizon; });
  schedule_[e.id] = std::move(e);
}
void policy_book::unschedule(const std::string& id) { schedule_.erase(id); }
void policy_book::went_live(const std::string& channel, member_live live) {
  live_[channel] = std::move(live);
}

// ---- reads ----

bool policy_book::allowed(const std::string& channel, const std::string& member) const {
  auto it = rules_.find(channel);
  return it != rules_.end() && it->second.count(member);
}

bool policy_book::has_key(const std::string& channel, const std::string& member) const {
  return keys_.count({channel, member}) > 0;
}

std::string policy_book::member_of_digest(const std::string& channel,
                                          const std::string& digest) const {
  for (auto& [k, d] : keys_)
    if (k.first == channel && runtime::constant_time_equal(d, digest))
      return k.second;
  return {};
}

std::vector<std::pair<std::string, std::string>> policy_book::stale_keys(
  const org_facts& org) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [k, _] : keys_)
    if (!org.roles.count(k.second) || !org.channels.count(k.first) || !allowed(k.first, k.second))
      out.push_back(k);
  return out;
}

std::size_t policy_book::upcoming(std::int64_t now) const {
  return static_cast<std::size_t>(std::count_if(
    schedule_.begin(), schedule_.end(), [now](auto& kv) { return kv.second.ends_at_ms() > now; }));
}

json policy_book::room_policy() const {
  auto mods = json::array();
  for (auto& [u, _] : moderators_)
    mods.push_back(u);
  auto banned = json::array();
  for (auto& [u, _] : bans_)
    banned.push_back(u);
  return json{{"moderators", std::move(mods)}, {"banned", std::move(banned)}, {"emotes", emotes_}};
}

json policy_book::to_json(std::string_view slug) const {
  auto mods = json::array();
  for (auto& [u, by] : moderators_)
    mods.push_back(json{{"user", u}, {"by", by}});
  auto bans = json::array();
  for (auto& [u, b] : bans_)
    bans.push_back(json{{"user", u}, {"reason", b.reason}, {"by", b.by}, {"at_ms", b.at_ms}});
  auto rules = json::array();
  for (auto& [channel, members] : rules_) {
    auto list = json::array();
    for (auto& m : members)
      list.push_back(json{{"member", m}, {"has_key", has_key(channel, m)}});
    rules.push_back(json{{"channel", channel}, {"members", std::move(list)}});
  }
  auto sched = json::array();
  std::vector<const schedule_entry*> sorted;
  for (auto& [_, e] : schedule_)
    sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) {
    return std::tie(a->starts_at_ms, a->id) < std::tie(b->starts_at_ms, b->id);
  });
  for (auto* e : sorted)
    sched.push_back(json{{"id", e->id},
                         {"channel", e->channel},
                         {"title", e->title},
                         {"starts_at_ms", e->starts_at_ms},
                         {"duration_min", e->duration_min},
                         {"streamer", e->streamer.empty() ? json(nullptr) : json(e->streamer)}});
  return json{{"org", slug},    {"moderators", std::move(mods)}, {"bans", std::move(bans)},
              {"rules", rules}, {"schedule", std::move(sched)},  {"emotes", emotes_}};
}

std::string policy_book::ics(std::string_view slug, std::int64_t now_ms) const {
  std::vector<ical_event> events;
  for (auto& [id, e] : schedule_) {
    if (e.ends_at_ms() <= now_ms)
      continue;
    events.push_back(
      {id + "@" + std::string{slug} + ".orgstreams.aethex", e.starts_at_ms, e.ends_at_ms(), e.title,
       "Channel " + e.channel + (e.streamer.empty() ? "" : ", streamer " + e.streamer),
       "/c/" + e.channel, "", e.created_at_ms});
  }
  return ical_calendar({"org schedule", std::string{slug} + " streams", {}}, events, now_ms);
}

json policy_book::snapshot() const {
  json keys = json::array();
  for (auto& [k, d] : keys_)
    keys.push_back(json{{"channel", k.first}, {"member", k.second}, {"digest", d}});
  json bans = json::object();
  for (auto& [u, b] : bans_)
    bans[u] = json{{"reason", b.reason}, {"by", b.by}, {"at", b.at_ms}};
  json sched = json::array();
  for (auto& [_, e] : schedule_)
    sched.push_back(json{{"id", e.id},
                         {"channel", e.channel},
                         {"title", e.title},
                         {"starts", e.starts_at_ms},
                         {"min", e.duration_min},
                         {"streamer", e.streamer},
                         {"created", e.created_at_ms}});
  json live = json::object();
  for (auto& [c, l] : live_)
    live[c] = json{{"member", l.member}, {"session", l.session}, {"since", l.since_ms}};
  return json{{"moderators", moderators_}, {"bans", bans}, {"rules", rules_},  {"keys", keys},
              {"schedule", sched},         {"live", live}, {"emotes", emotes_}};
}

void policy_book::restore(const json& j) {
  *this = policy_book{};
  moderators_ = j.at("moderators").get<std::map<std::string, std::string>>();
  for (auto& [u, b] : j.at("bans").items())
    bans_[u] = org_ban{b.at("reason"), b.at("by"), b.at("at")};
  rules_ = j.at("rules").get<std::map<std::string, std::set<std::string>>>();
  for (auto& k : j.at("keys"))
    keys_[{k.at("channel"), k.at("member")}] = k.at("digest");
  for (auto& e : j.at("schedule"))
    schedule_[e.at("id")] = schedule_entry{e.at("id"),     e.at("channel"), e.at("title"),
                                           e.at("starts"), e.at("min"),     e.at("streamer"),
                                           e.at("created")};
  for (auto& [c, l] : j.at("live").items())
    live_[c] = member_live{l.at("member"), l.at("session"), l.at("since")};
  emotes_ = j.value("emotes", std::set<std::string>{});  // snapshots before shared emotes lack it
}

}  // namespace aethex::actors

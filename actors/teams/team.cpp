#include "actors/teams/team.hpp"

#include <algorithm>

#include "actors/core/route.hpp"
#include "actors/core/text.hpp"
#include "actors/teams/teams.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

std::string team_trimmed(std::string_view text) {
  constexpr std::string_view blank = " \t\r\n";
  auto first = text.find_first_not_of(blank);
  if (first == std::string_view::npos)
    return {};
  return std::string{text.substr(first, text.find_last_not_of(blank) - first + 1)};
}

bool has_control(std::string_view text, bool allow_newlines) {
  return std::any_of(text.begin(), text.end(), [allow_newlines](char ch) {
    auto c = static_cast<unsigned char>(ch);
    if (allow_newlines && (c == '\n' || c == '\t' || c == '\r'))
      return false;
    return c < 0x20 || c == 0x7f;
  });
}

caf::error team_invalid(std::string message) {
  return make_error(errc::invalid_argument, std::move(message));
}

caf::error roster_locked_error() {
  return make_error(errc::conflict, "the roster is locked by a running tournament",
                    "roster_locked");
}

// One profile field: absent → nullopt; present → checked text (trimmed unless `keep_spaces`).
caf::expected<std::optional<std::string>> profile_field(const json& body, const char* key,
                                                        std::size_t lowest, std::size_t highest,
                                                        bool is_bio) {
  auto value = string_field(body, key, false);
  if (!value)
    return value.error();
  if (!*value)
    return std::optional<std::string>{};
  auto text = is_bio ? **value : team_trimmed(**value);
  auto n = utf8_length(text);
  auto range = std::to_string(lowest) + "-" + std::to_string(highest);
  if (n < lowest || n > highest)
    return team_invalid(std::string{"'"} + key + "' must be " + range + " characters");
  if (has_control(text, is_bio))
    return team_invalid(std::string{"'"} + key + "' may not hold control characters");
  if (std::string_view{key} == "tag" && text.find(' ') != std::string::npos)
    return team_invalid("'tag' may not hold spaces");
  return std::optional<std::string>{std::move(text)};
}

caf::expected<team_profile_change> read_profile(const json& body, bool creating) {
  team_profile_change change;
  auto name = profile_field(body, "name", 1, team_limits::name_max, false);
  if (!name)
    return name.error();
  if (creating && !*name)
    return team_invalid("'name' is required");
  // A patch may clear the tag with ""; a creation leaves it out instead.
  auto tag = profile_field(body, "tag", creating ? 1 : 0, team_limits::tag_max, false);
  if (!tag)
    return tag.error();
  auto bio = profile_field(body, "bio", 0, team_limits::bio_max, true);
  if (!bio)
    return bio.error();
  change.name = std::move(*name);
  change.tag = std::move(*tag);
  change.bio = std::move(*bio);
  return change;
}

}  // namespace

bool valid_team_slug(std::string_view slug) {
  return slug.size() >= team_limits::slug_min && slug.size() <= team_limits::slug_max &&
         std::all_of(slug.begin(), slug.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

caf::expected<team_profile_change> parse_team_create(const json& body, std::string_view slug) {
  if (auto err = only_fields(body, {"slug", "name", "tag", "bio"}))
    return err;
  if (auto it = body.find("slug"); it != body.end() && (!it->is_string() || *it != slug))
    return team_invalid("'slug' must be the team's slug");
  return read_profile(body, true);
}

caf::expected<team_profile_change> parse_team_patch(const json& body) {
  if (auto err = only_fields(body, {"name", "tag", "bio"}))
    return err;
  return read_profile(body, false);
}

// ---- rules ----

caf::error team_book::can_create() const {
  if (alive_)
    return make_error(errc::conflict, "team '" + slug_ + "' already exists", "team_exists");
  return caf::none;
}

caf::error team_book::can_manage(const std::string& by) const {
  if (!alive_)
    return make_error(errc::not_found, "team not found");
  if (by != captain_)
    return make_error(errc::forbidden, "only the team's captain may do this");
  return caf::none;
}

caf::error team_book::can_invite(const std::string& by, const std::string& user) const {
  if (auto err = can_manage(by))
    return err;
  if (is_member(user))
    return make_error(errc::conflict, user + " is already on the team", "already_member");
  if (is_invited(user))
    return make_error(errc::conflict, user + " is already invited", "already_invited");
  if (invites_.size() >= team_limits::open_invites_max)
    return make_error(errc::conflict, "a team has at most 20 open invites", "invites_full");
  if (members_.size() >= team_limits::roster_max)
    return make_error(errc::conflict, "a roster has at most 20 members", "roster_full");
  return caf::none;
}

caf::error team_book::can_accept(const std::string& user) const {
  if (!alive_)
    return make_error(errc::not_found, "team not found");
  if (!is_invited(user))
    return make_error(errc::not_found, "no open invite for " + user);
  if (locked())
    return roster_locked_error();
  if (members_.size() >= team_limits::roster_max)
    return make_error(errc::conflict, "a roster has at most 20 members", "roster_full");
  return caf::none;
}

caf::error team_book::can_decline(const std::string& by, const std::string& user) const {
  if (!alive_)
    return make_error(errc::not_found, "team not found");
  if (by != user && by != captain_)
    return make_error(errc::forbidden, "only the invited user or the captain may do this");
  if (!is_invited(user))
    return make_error(errc::not_found, "no open invite for " + user);
  return caf::none;
}

caf::error team_book::can_remove(const std::string& by, const std::string& user) const {
  if (!alive_)
    return make_error(errc::not_found, "team not found");
  if (by != user && by != captain_)
    return make_error(errc::forbidden, "only the captain may remove other members");
  if (!is_member(user))
    return make_error(errc::not_found, user + " is not on the team");
  if (locked())
    return roster_locked_error();
  if (user == captain_ && members_.size() > 1)
    return make_error(errc::conflict, "the captain hands over captaincy before leaving",
                      "captain_must_hand_over");
  return caf::none;
}

caf::error team_book::can_hand_over(const std::string& by, const std::string& user) const {
  if (auto err = can_manage(by))
    return err;
  if (!is_member(user))
    return make_error(errc::not_found, user + " is not on the team");
  return caf::none;
}

caf::error team_book::can_lock(const std::string& tournament) const {
  if (!alive_)
    return make_error(errc::not_found, "team not found");
  if (tournament.empty() || tournament.size() > 128)
    return team_invalid("a lock needs a tournament id of 1-128 characters");
  if (!locked_by(tournament) && locked_by_.size() >= team_limits::locks_max)
    return make_error(errc::conflict, "too many tournaments lock this roster", "locks_full");
  return caf::none;
}

// ---- changes ----

void team_book::create(std::string slug, std::string captain, const team_profile_change& profile,
                       std::int64_t at_ms) {
  *this = team_book{};
  alive_ = true;
  slug_ = std::move(slug);
  captain_ = captain;
  name_ = profile.name.value_or(slug_);
  tag_ = profile.tag.value_or("");
  bio_ = profile.bio.value_or("");
  created_at_ms_ = at_ms;
  members_.push_back({std::move(captain), at_ms});
}

void team_book::update(const team_profile_change& change) {
  if (change.name)
    name_ = *change.name;
  if (change.tag)
    tag_ = *change.tag;
  if (change.bio)
    bio_ = *change.bio;
}

void team_book::invite(team_invite invite) {
  if (!is_invited(invite.user))
    invites_.push_back(std::move(invite));
}

void team_book::accept(const std::string& user, std::int64_t at_ms) {
  drop_invite(user);
  if (!is_member(user))
    members_.push_back({user, at_ms});
}

void team_book::drop_invite(const std::string& user) {
  std::erase_if(invites_, [&user](const team_invite& i) { return i.user == user; });
}

void team_book::remove(const std::string& user) {
  std::erase_if(members_, [&user](const team_member& m) { return m.user == user; });
  if (members_.empty()) {
    // Disbanded: nothing is left but the slug, which may be created again.
    auto slug = std::move(slug_);
    *this = team_book{};
    slug_ = std::move(slug);
  }
}

void team_book::hand_over(const std::string& to) { captain_ = to; }

void team_book::lock(const std::string& tournament) {
  if (!locked_by(tournament))
    locked_by_.push_back(tournament);
}

void team_book::unlock(const std::string& tournament) { std::erase(locked_by_, tournament); }

// ---- reads ----

bool team_book::is_member(const std::string& user) const {
  return std::any_of(members_.begin(), members_.end(),
                     [&user](const team_member& m) { return m.user == user; });
}

bool team_book::is_invited(const std::string& user) const {
  return std::any_of(invites_.begin(), invites_.end(),
                     [&user](const team_invite& i) { return i.user == user; });
}

bool team_book::locked_by(const std::string& tournament) const {
  return std::find(locked_by_.begin(), locked_by_.end(), tournament) != locked_by_.end();
}

json team_book::to_json() const {
  auto members = json::array();
  for (auto& m : members_)
    members.push_back(json{{"user", m.user},
                           {"role", m.user == captain_ ? "captain" : "member"},
                           {"joined_at_ms", m.joined_at_ms}});
  auto invites = json::array();
  for (auto& i : invites_)
    invites.push_back(i.user);
  return json{{"slug", slug_},      {"name", name_},           {"tag", tag_},
              {"bio", bio_},        {"captain", captain_},     {"members", std::move(members)},
              {"invites", invites}, {"locked_by", locked_by_}, {"created_at_ms", created_at_ms_}};
}

json team_book::roster_json() const {
  auto members = json::array();
  for (auto& m : members_)
    members.push_back(m.user);
  return json{{"slug", slug_}, {"captain", captain_}, {"members", std::move(members)}};
}

json team_book::snapshot() const {
  auto members = json::array();
  for (auto& m : members_)
    members.push_back(json{{"user", m.user}, {"at", m.joined_at_ms}});
  auto invites = json::array();
  for (auto& i : invites_)
    invites.push_back(json{{"user", i.user}, {"by", i.by}, {"at", i.invited_at_ms}});
  return json{{"alive", alive_},
              {"slug", slug_},
              {"name", name_},
              {"tag", tag_},
              {"bio", bio_},
              {"captain", captain_},
              {"created", created_at_ms_},
              {"members", std::move(members)},
              {"invites", std::move(invites)},
              {"locked_by", locked_by_}};
}

void team_book::restore(const json& j) {
  *this = team_book{};
  alive_ = j.at("alive").get<bool>();
  slug_ = j.at("slug").get<std::string>();
  name_ = j.at("name").get<std::string>();
  tag_ = j.at("tag").get<std::string>();
  bio_ = j.at("bio").get<std::string>();
  captain_ = j.at("captain").get<std::string>();
  created_at_ms_ = j.at("created").get<std::int64_t>();
  for (auto& m : j.at("members"))
    members_.push_back({m.at("user").get<std::string>(), m.at("at").get<std::int64_t>()});
  for (auto& i : j.at("invites"))
    invites_.push_back({i.at("user").get<std::string>(), i.at("by").get<std::string>(),
                        i.at("at").get<std::int64_t>()});
  locked_by_ = j.at("locked_by").get<std::vector<std::string>>();
}

}  // namespace aethex::actors

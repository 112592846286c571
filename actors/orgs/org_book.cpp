#include "actors/orgs/org_book.hpp"

#include <algorithm>
#include <span>
#include <variant>

#include <sodium.h>

#include "actors/core/route.hpp"
#include "actors/core/text.hpp"
#include "actors/emotes/image_probe.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

caf::error org_invalid(std::string message) {
  return make_error(errc::invalid_argument, std::move(message));
}
caf::error org_missing() { return make_error(errc::not_found, "organisation not found"); }
caf::error org_forbidden(std::string message) {
  return make_error(errc::forbidden, std::move(message));
}

bool has_control(std::string_view text, bool allow_newlines) {
  return std::any_of(text.begin(), text.end(), [allow_newlines](char ch) {
    auto c = static_cast<unsigned char>(ch);
    if (allow_newlines && (c == '\n' || c == '\r' || c == '\t'))
      return false;
    return c < 0x20 || c == 0x7f;
  });
}

// A text field of a body: absent → nullopt; else checked against 1..max (0..max for `empty_ok`).
caf::expected<std::optional<std::string>> text_field(const json& body, const char* key,
                                                     std::size_t max, bool multi_line) {
  auto value = string_field(body, key, false);
  if (!value)
    return value.error();
  if (!*value)
    return std::optional<std::string>{};
  const auto& text = **value;
  if ((!multi_line && is_blank(text)) || utf8_length(text) > max)
    return org_invalid(std::string{"'"} + key + "' must be " + (multi_line ? "0" : "1") + "-" +
                       std::to_string(max) + " characters");
  if (has_control(text, multi_line))
    return org_invalid(std::string{"'"} + key + "' may not hold control characters");
  return std::optional<std::string>{text};
}

// The walk of a JPEG's markers up to its scan, then its end marker: only the container is read.
caf::error check_jpeg(std::string_view text) {
  auto b = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  auto broken = org_invalid("the JPEG is broken");
  std::size_t at = 2;
  bool frame = false;
  while (true) {
    if (at + 4 > text.size() || b(at) != 0xFF)
      return broken;
    auto marker = b(at + 1);
    at += 2;
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01)
      continue;
    std::size_t length = std::size_t{b(at)} << 8 | b(at + 1);
    if (length < 2 || length > text.size() - at)
      return broken;
    frame = frame || (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
                      marker != 0xCC);
    at += length;
    if (marker == 0xDA)
      break;
  }
  if (!frame || text.size() < at + 2 || b(text.size() - 2) != 0xFF || b(text.size() - 1) != 0xD9)
    return broken;
  return caf::none;
}

}  // namespace

std::string org_to_base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

caf::expected<std::string> org_from_base64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return make_error(errc::invalid_argument, "'data' must be base64");
  out.resize(length);
  return out;
}

caf::expected<std::string> org_domain_host(std::string_view text) {
  auto host = ascii_lower(text);
  auto bad = org_invalid("'domain' must be a host name such as live.example.org");
  if (host.empty() || host.size() > org_limits::domain_max || host.find('.') == std::string::npos)
    return bad;
  std::size_t start = 0;
  while (start <= host.size()) {
    auto end = host.find('.', start);
    if (end == std::string::npos)
      end = host.size();
    auto label = std::string_view{host}.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return bad;
    for (char c : label)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
        return bad;
    start = end + 1;
  }
  return host;
}

bool org_colour(std::string_view text) {
  return text.size() == 7 && text[0] == '#' &&
         std::all_of(text.begin() + 1, text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

caf::expected<std::string> org_logo_type(std::string_view bytes) {
  if (bytes.size() > org_limits::logo_bytes_max)
    return make_error(errc::payload_too_large, "a logo is at most 1 MiB");
  if (bytes.size() >= 3 && static_cast<std::uint8_t>(bytes[0]) == 0xFF &&
      static_cast<std::uint8_t>(bytes[1]) == 0xD8 && static_cast<std::uint8_t>(bytes[2]) == 0xFF) {
    if (auto err = check_jpeg(bytes))
      return err;
    return std::string{"image/jpeg"};
  }
  auto span = std::span<const std::uint8_t>{reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                            bytes.size()};
  auto probed = emote_images::probe(span);
  if (auto* problem = std::get_if<emote_images::probe_error>(&probed))
    return problem->unsupported_format
             ? make_error(errc::unsupported_media_type, "a logo is a PNG or a JPEG")
             : org_invalid(problem->message);
  if (std::get<emote_images::image_info>(probed).format != emote_images::image_format::png)
    return make_error(errc::unsupported_media_type, "a logo is a PNG or a JPEG");
  return std::string{"image/png"};
}

caf::error check_org_create(const json& body, std::string_view slug) {
  if (auto err = only_fields(body, {"slug", "name", "description"}))
    return err;
  if (auto it = body.find("slug"); it != body.end() && (!it->is_string() || *it != slug))
    return org_invalid("'slug' must be the organisation's slug");
  auto name = text_field(body, "name", org_limits::name_max, false);
  if (!name)
    return name.error();
  if (!*name)
    return org_invalid("'name' is required");
  auto description = text_field(body, "description", org_limits::description_max, true);
  return description ? caf::none : description.error();
}

caf::expected<json> check_org_patch(const json& body) {
  if (auto err = only_fields(body, {"name", "description"}))
    return err;
  json out = json::object();
  auto name = text_field(body, "name", org_limits::name_max, false);
  if (!name)
    return name.error();
  if (*name)
    out["name"] = **name;
  auto description = text_field(body, "description", org_limits::description_max, true);
  if (!description)
    return description.error();
  if (*description)
    out["description"] = **description;
  return out;
}

caf::expected<json> check_org_branding(const json& body) {
  if (auto err = only_fields(body, {"display_name", "description", "colours", "logo", "domain"}))
    return err;
  json out = json::object();
  auto display = text_field(body, "display_name", org_limits::name_max, false);
  if (!display)
    return display.error();
  if (*display)
    out["display_name"] = **display;
  auto description = text_field(body, "description", org_limits::description_max, true);
  if (!description)
    return description.error();
  if (*description)
    out["description"] = **description;
  if (auto it = body.find("colours"); it != body.end()) {
    if (!it->is_object())
      return org_invalid("'colours' must be an object {\"primary\",\"accent\"}");
    if (auto err = only_fields(*it, {"primary", "accent"}))
      return err;
    for (const char* key : {"primary", "accent"}) {
      auto colour = string_field(*it, key, false);
      if (!colour)
        return colour.error();
      if (!*colour)
        continue;
      if (!org_colour(**colour))
        return org_invalid(std::string{"'colours."} + key + "' must be #rrggbb");
      out[key] = ascii_lower(**colour);
    }
  }
  return out;
}

// ---- reads ----

std::string org_book::role_of(const std::string& user) const {
  auto it = members_.find(user);
  return it == members_.end() ? std::string{} : it->second;
}

std::string org_book::acting_role(const org_actor& by) const {
  return by.site_admin ? std::string{org_role_owner} : role_of(by.user);
}

bool org_book::allows(const org_actor& by, org_action action) const {
  return org_role_allows(acting_role(by), action);
}

std::vector<std::string> org_book::expired(std::int64_t now_ms) const {
  std::vector<std::string> out;
  for (const auto& [user, invitation] : invitations_)
    if (invitation.expires_at_ms <= now_ms)
      out.push_back(user);
  return out;
}

json org_book::branding_json() const {
  return json{{"display_name", display_name_.empty() ? name_ : display_name_},
              {"description", description_},
              {"colours", {{"primary", primary_}, {"accent", accent_}}},
              {"logo", has_logo()},
              {"domain", domain_.empty() ? json(nullptr) : json(domain_)}};
}

std::vector<std::string> org_book::channels_of(const std::string& user) const {
  std::vector<std::string> theirs;
  for (const auto& [channel, owner] : channel_owners_)
    if (owner == user)
      theirs.push_back(channel);
  return theirs;
}

json org_book::to_json(bool with_invitations) const {
  auto members = json::array();
  for (const auto& [user, role] : members_)
    members.push_back(json{{"user", user}, {"role", role}});
  std::stable_sort(members.begin(), members.end(), [](const json& a, const json& b) {
    return org_role_rank(a["role"].get<std::string>()) >
           org_role_rank(b["role"].get<std::string>());
  });
  json j{{"slug", slug_},
         {"name", name_},
         {"description", description_},
         {"owner", owner_},
         {"members", std::move(members)},
         {"channels", channels_},
         {"branding", branding_json()}};
  if (with_invitations) {
    auto invitations = json::array();
    for (const auto& [user, i] : invitations_)
      invitations.push_back(json{
        {"user", user}, {"role", i.role}, {"by", i.by}, {"expires_at_ms", i.expires_at_ms}});
    j["invitations"] = std::move(invitations);
  }
  return j;
}

// ---- rules ----

caf::error org_book::can_create(const org_actor& by) const {
  if (existed())
    return make_error(errc::conflict, "organisation '" + slug_ + "' exists or existed",
                      "org_exists");
  if (by.user.empty())
    return org_forbidden("an organisation is created by a signed-in user");
  return caf::none;
}

caf::error org_book::can(const org_actor& by, org_action action) const {
  if (!alive_)
    return org_missing();
  if (!allows(by, action))
    return org_forbidden("your role in this organisation does not allow this");
  return caf::none;
}

caf::error org_book::can_invite(const org_actor& by, const std::string& user,
                                const std::string& role, std::int64_t now_ms) const {
  if (auto err = can(by, org_action::manage_members))
    return err;
  auto rank = org_role_rank(role);
  if (rank == 0 || rank == 4)
    return org_invalid("'role' must be admin, instructor or member");
  if (rank == 3 ? !allows(by, org_action::govern) : rank >= org_role_rank(acting_role(by)))
    return org_forbidden("you may only invite to roles below your own");
  if (members_.contains(user))
    return make_error(errc::conflict, user + " is already a member", "already_member");
  if (auto it = invitations_.find(user);
      it != invitations_.end() && it->second.expires_at_ms > now_ms)
    return make_error(errc::conflict, user + " is already invited", "already_invited");
  if (invitations_.size() - expired(now_ms).size() >= org_limits::pending_invitations_max)
    return make_error(errc::conflict, "an organisation has at most 500 pending invitations",
                      "invitations_full");
  if (members_.size() >= org_limits::members_max)
    return make_error(errc::conflict, "an organisation has at most 5000 members", "members_full");
  return caf::none;
}

caf::error org_book::can_accept(const std::string& user, std::int64_t now_ms) const {
  if (!alive_)
    return org_missing();
  auto it = invitations_.find(user);
  if (it == invitations_.end())
    return make_error(errc::not_found, "no pending invitation for " + user);
  if (it->second.expires_at_ms <= now_ms)
    return make_error(errc::not_found, "the invitation expired", "invitation_expired");
  if (members_.size() >= org_limits::members_max)
    return make_error(errc::conflict, "an organisation has at most 5000 members", "members_full");
  return caf::none;
}

caf::error org_book::can_decline(const org_actor& by, const std::string& user) const {
  if (!alive_)
    return org_missing();
  if (by.user != user && !allows(by, org_action::manage_members))
    return org_forbidden("only the invited user or the organisation's admins may do this");
  if (!invitations_.contains(user))
    return make_error(errc::not_found, "no pending invitation for " + user);
  return caf::none;
}

caf::error org_book::can_remove(const org_actor& by, const std::string& user) const {
  if (!alive_)
    return org_missing();
  auto role = role_of(user);
  bool leaving = !by.site_admin && by.user == user;
  if (!leaving) {
    if (auto err = can(by, org_action::manage_members))
      return err;
    if (!by.site_admin && org_role_rank(role) >= org_role_rank(acting_role(by)))
      return org_forbidden("you may only remove members below your own role");
  }
  if (role.empty())
    return make_error(errc::not_found, user + " is not a member");
  if (role == org_role_owner)
    return make_error(errc::conflict, "the owner transfers ownership before leaving",
                      "owner_must_transfer");
  return caf::none;
}

caf::error org_book::can_set_role(const org_actor& by, const std::string& user,
                                  const std::string& role) const {
  if (auto err = can(by, org_action::manage_members))
    return err;
  auto rank = org_role_rank(role);
  if (rank == 0 || rank == 4)
    return org_invalid("'role' must be admin, instructor or member (ownership is transferred)");
  auto current = role_of(user);
  if (current.empty())
    return make_error(errc::not_found, user + " is not a member");
  if (current == org_role_owner)
    return allows(by, org_action::govern)
             ? make_error(errc::conflict, "the owner's role changes by a transfer", "owner_role")
             : org_forbidden("you may only change roles below your own");
  if (rank == 3 || current == org_role_admin) {
    if (!allows(by, org_action::govern))
      return org_forbidden("only the owner makes or unmakes admins");
  } else if (org_role_rank(current) >= org_role_rank(acting_role(by)) ||
             rank >= org_role_rank(acting_role(by))) {
    return org_forbidden("you may only change roles below your own");
  }
  return caf::none;
}

caf::error org_book::can_transfer(const org_actor& by, const std::string& user) const {
  if (auto err = can(by, org_action::govern))
    return err;
  if (!members_.contains(user))
    return make_error(errc::not_found, user + " is not a member");
  return caf::none;
}

caf::error org_book::can_attach(const org_actor& by, const std::string& channel,
                                const std::string& channel_owner) const {
  if (auto err = can(by, org_action::manage_channels))
    return err;
  if (channel_owner.empty())
    return make_error(errc::not_found, "channel '" + channel + "' not found");
  if (!by.site_admin && channel_owner != by.user)
    return org_forbidden("only the channel's owner attaches it");
  if (channels_.contains(channel))
    return make_error(errc::conflict, channel + " is already attached", "already_attached");
  if (channels_.size() >= org_limits::channels_max)
    return make_error(errc::conflict, "an organisation has at most 200 channels", "channels_full");
  return caf::none;
}

caf::error org_book::can_detach(const org_actor& by, const std::string& channel,
                                const std::string& channel_owner) const {
  if (!alive_)
    return org_missing();
  // The channel's owner takes their channel back whatever their role; admins detach any.
  bool own = !channel_owner.empty() && channel_owner == by.user && !by.site_admin;
  if (!own)
    if (auto err = can(by, org_action::manage_channels))
      return err;
  if (!channels_.contains(channel))
    return make_error(errc::not_found, channel + " is not attached");
  return caf::none;
}

// ---- changes ----

void org_book::apply(std::string_view type, const json& body) {
  auto text = [&body](const char* key) { return body.value(key, std::string{}); };
  if (type == "org.created") {
    *this = org_book{};
    alive_ = true;
    slug_ = text("slug");
    name_ = text("name");
    description_ = text("description");
    owner_ = text("owner");
    members_[owner_] = std::string{org_role_owner};
  } else if (type == "org.updated" || type == "org.branding_set") {
    if (body.contains("name"))
      name_ = text("name");
    if (body.contains("description"))
      description_ = text("description");
    if (body.contains("display_name"))
      display_name_ = text("display_name");
    if (body.contains("primary"))
      primary_ = text("primary");
    if (body.contains("accent"))
      accent_ = text("accent");
  } else if (type == "org.deleted") {
    auto slug = slug_;
    *this = org_book{};
    slug_ = std::move(slug);
    deleted_ = true;
  } else if (type == "org.invited") {
    invitations_[text("user")] = org_invitation{text("role"), text("by"),
                                                body.value("expires_at_ms", std::int64_t{0})};
  } else if (type == "org.invitation_closed") {
    invitations_.erase(text("user"));
  } else if (type == "org.member_set") {
    members_[text("user")] = text("role");
  } else if (type == "org.member_removed") {
    members_.erase(text("user"));
  } else if (type == "org.owner_changed") {
    members_[text("from")] = std::string{org_role_admin};
    owner_ = text("to");
    members_[owner_] = std::string{org_role_owner};
  } else if (type == "org.channel_attached") {
    channels_.insert(text("channel"));
    if (auto owner = body.find("owner"); owner != body.end() && owner->is_string())
      channel_owners_[text("channel")] = owner->get<std::string>();
  } else if (type == "org.channel_detached") {
    channels_.erase(text("channel"));
    channel_owners_.erase(text("channel"));
  } else if (type == "org.logo_set") {
    logo_type_ = text("content_type");
    logo_base64_ = text("data");
  } else if (type == "org.logo_cleared") {
    logo_type_.clear();
    logo_base64_.clear();
  } else if (type == "org.domain_set") {
    domain_ = text("domain");
  }
}

json org_book::snapshot() const {
  auto invitations = json::object();
  for (const auto& [user, i] : invitations_)
    invitations[user] = json{{"role", i.role}, {"by", i.by}, {"exp", i.expires_at_ms}};
  return json{{"alive", alive_},
              {"deleted", deleted_},
              {"slug", slug_},
              {"name", name_},
              {"desc", description_},
              {"owner", owner_},
              {"members", members_},
              {"inv", invitations},
              {"channels", channels_},
              {"channel_owners", channel_owners_},
              {"display", display_name_},
              {"primary", primary_},
              {"accent", accent_},
              {"logo_type", logo_type_},
              {"logo", logo_base64_},
              {"domain", domain_}};
}

void org_book::restore(const json& j) {
  *this = org_book{};
  alive_ = j.at("alive").get<bool>();
  deleted_ = j.at("deleted").get<bool>();
  slug_ = j.at("slug").get<std::string>();
  name_ = j.at("name").get<std::string>();
  description_ = j.at("desc").get<std::string>();
  owner_ = j.at("owner").get<std::string>();
  members_ = j.at("members").get<std::map<std::string, std::string>>();
  for (const auto& [user, i] : j.at("inv").items())
    invitations_[user] = org_invitation{i.at("role").get<std::string>(),
                                        i.at("by").get<std::string>(),
                                        i.at("exp").get<std::int64_t>()};
  channels_ = j.at("channels").get<std::set<std::string>>();
  if (auto owners = j.find("channel_owners"); owners != j.end())  // absent in older snapshots
    channel_owners_ = owners->get<std::map<std::string, std::string>>();
  display_name_ = j.at("display").get<std::string>();
  primary_ = j.at("primary").get<std::string>();
  accent_ = j.at("accent").get<std::string>();
  logo_type_ = j.at("logo_type").get<std::string>();
  logo_base64_ = j.at("logo").get<std::string>();
  domain_ = j.at("domain").get<std::string>();
}

}  // namespace aethex::actors

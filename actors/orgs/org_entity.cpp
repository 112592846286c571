#include "actors/orgs/org_entity.hpp"

#include <algorithm>
#include <utility>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/identity/user.hpp"
#include "actors/orgs/internal.hpp"
#include "actors/orgs/org_book.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

// An event name as a template argument: every org event is a JSON body under its type.
template <std::size_t N>
struct org_event_name {
  char text[N]{};
  constexpr org_event_name(const char (&s)[N]) { std::copy_n(s, N, text); }  // NOLINT
};

template <org_event_name Name>
struct org_event {
  static constexpr std::string_view type{Name.text};
  static constexpr std::uint32_t schema = 1;
  json body = json::object();
};
template <org_event_name Name>
void to_json(json& j, const org_event<Name>& e) {
  j = e.body;
}
template <org_event_name Name>
void from_json(const json& j, org_event<Name>& e) {
  e.body = j;
}

using created = org_event<"org.created">;
using updated = org_event<"org.updated">;
using deleted = org_event<"org.deleted">;
using invited = org_event<"org.invited">;
using invitation_closed = org_event<"org.invitation_closed">;
using member_set = org_event<"org.member_set">;
using member_removed = org_event<"org.member_removed">;
using owner_changed = org_event<"org.owner_changed">;
using channel_attached = org_event<"org.channel_attached">;
using channel_detached = org_event<"org.channel_detached">;
using branding_set = org_event<"org.branding_set">;
using logo_set = org_event<"org.logo_set">;
using logo_cleared = org_event<"org.logo_cleared">;
using domain_set = org_event<"org.domain_set">;
using personal_notice = org_event<"notify.personal">;

struct org_state {
  static constexpr std::string_view kind = "org";
  static inline const char* name = "org";
  using events = event_list<created, updated, deleted, invited, invitation_closed, member_set,
                            member_removed, owner_changed, channel_attached, channel_detached,
                            branding_set, logo_set, logo_cleared, domain_set, personal_notice>;

  org_book book;

  // A deleted org is gone (not found) although its stream has events.
  bool known() const { return book.alive(); }

  template <org_event_name Name>
  void apply(const org_event<Name>& e, const event_meta&) {
    book.apply(org_event<Name>::type, e.body);
  }

  std::string snapshot() const { return book.snapshot().dump(); }
  void restore(const std::string& text) { book.restore(json::parse(text)); }
};

using org_entity = caf::stateful_actor<event_sourced<org_state>>;

// A logo in its event is base64 as emote images and music artwork are (the journal holds text);
// a snapshot carries it too, so they stay rare.
constexpr std::uint64_t org_snapshot_every = 128;

caf::error org_gone() { return make_error(errc::not_found, "organisation not found"); }

// The end of a command: an error (passivating an org that does not exist), or the org as its
// members see it.
caf::result<std::string> org_answer(org_entity* self, caf::error err) {
  auto& st = self->state;
  st.touch();
  if (err) {
    (void)st.require_exists(self, caf::none);
    return err;
  }
  if (!st.book.alive())
    return json{{"slug", st.id()}, {"deleted", true}}.dump();
  return st.book.to_json(true).dump();
}

std::string field(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

caf::error check_user(const std::string& user) {
  if (!valid_username(user))
    return make_error(errc::invalid_argument, "'user' must be a user name");
  return caf::none;
}

// Invitations past their expiry leave the pending list when the list is full, so a full list of
// stale ones never blocks new invitations.
caf::error expire_if_full(org_entity* self) {
  auto& st = self->state;
  if (st.book.invitations().size() < org_limits::pending_invitations_max)
    return caf::none;
  for (const auto& user : st.book.expired(st.clock().now_ms()))
    if (auto err = st.emit(invitation_closed{json{{"user", user}, {"outcome", "expired"}}}))
      return err;
  return caf::none;
}

caf::error run_invite(org_entity* self, const org_actor& by, const json& body) {
  auto& st = self->state;
  auto user = field(body, "user");
  auto role = field(body, "role");
  if (auto err = st.book.can(by, org_action::manage_members))
    return err;
  if (auto err = check_user(user))
    return err;
  auto now = st.clock().now_ms();
  if (auto err = expire_if_full(self))
    return err;
  if (auto err = st.book.can_invite(by, user, role, now))
    return err;
  auto expires = now + org_limits::invitation_ttl_ms;
  auto by_name = by.site_admin ? std::string{"admin"} : by.user;
  return st.emit(
    invited{json{{"user", user}, {"role", role}, {"by", by_name}, {"expires_at_ms", expires}}},
    personal_notice{
      json{{"id", "org_invite:" + st.id() + ":" + user + ":" + std::to_string(expires)},
           {"users", json::array({user})},
           {"kind", "org_invitation"},
           {"title", "You are invited to join " +
                       st.book.branding_json()["display_name"].get<std::string>() + " as " + role},
           {"link", "/orgs/" + st.id()},
           {"at_ms", now}}});
}

caf::error run_command(org_entity* self, const org_actor& by, const std::string& op,
                       const json& body, json& extra) {
  auto& st = self->state;
  auto& book = st.book;
  auto user = field(body, "user");
  if (op == "read")
    return book.can(by, org_action::read_members);
  if (op == "can") {
    auto action = field(body, "action");
    if (action != "edit_branding")
      return make_error(errc::invalid_argument, "unknown action '" + action + "'");
    return book.can(by, org_action::edit_branding);
  }
  if (op == "update") {
    if (auto err = book.can(by, org_action::edit_branding))
      return err;
    auto patch = check_org_patch(body);
    if (!patch)
      return patch.error();
    return patch->empty() ? caf::none : st.emit(updated{*patch});
  }
  if (op == "delete") {
    if (auto err = book.can(by, org_action::govern))
      return err;
    extra["previous"] = book.domain();
    return st.emit(deleted{json{{"by", by.site_admin ? "admin" : by.user}}});
  }
  if (op == "invite")
    return run_invite(self, by, body);
  if (op == "accept") {
    if (auto err = book.can_accept(by.user, st.clock().now_ms()))
      return err;
    auto role = book.invitations().at(by.user).role;
    return st.emit(invitation_closed{json{{"user", by.user}, {"outcome", "accepted"}}},
                   member_set{json{{"user", by.user}, {"role", role}}});
  }
  if (op == "decline") {
    if (auto err = book.can_decline(by, user))
      return err;
    return st.emit(invitation_closed{json{{"user", user}, {"outcome", "declined"}}});
  }
  if (op == "remove") {
    if (auto err = book.can_remove(by, user))
      return err;
    // A member who leaves takes their channels along: the org no longer moderates, schedules or
    // counts them. Detached first, so a failure in between leaves a member to remove again.
    std::vector<channel_detached> theirs;
    for (const auto& channel : book.channels_of(user))
      theirs.push_back(channel_detached{json{{"channel", channel}}});
    if (auto err = st.emit_all(theirs))
      return err;
    return st.emit(member_removed{json{{"user", user}, {"by", by.site_admin ? "admin" : by.user}}});
  }
  if (op == "set_role") {
    auto role = field(body, "role");
    if (auto err = book.can_set_role(by, user, role))
      return err;
    return book.role_of(user) == role ? caf::none
                                      : st.emit(member_set{json{{"user", user}, {"role", role}}});
  }
  if (op == "transfer") {
    if (auto err = book.can_transfer(by, user))
      return err;
    if (user == book.owner())
      return caf::none;
    return st.emit(owner_changed{json{{"from", book.owner()}, {"to", user}}});
  }
  if (op == "attach" || op == "detach") {
    auto channel = field(body, "channel");
    auto owner = field(body, "channel_owner");
    if (op == "attach") {
      if (auto err = book.can_attach(by, channel, owner))
        return err;
      return st.emit(channel_attached{json{{"channel", channel}, {"owner", owner}}});
    }
    if (auto err = book.can_detach(by, channel, owner))
      return err;
    return st.emit(channel_detached{json{{"channel", channel}}});
  }
  if (op == "branding") {
    if (auto err = book.can(by, org_action::edit_branding))
      return err;
    auto change = check_org_branding(body);
    if (!change)
      return change.error();
    return change->empty() ? caf::none : st.emit(branding_set{*change});
  }
  if (op == "logo" || op == "logo_clear") {
    if (auto err = book.can(by, org_action::edit_branding))
      return err;
    if (op == "logo_clear")
      return book.has_logo() ? st.emit(logo_cleared{}) : caf::none;
    auto bytes = org_from_base64(field(body, "data"));
    if (!bytes)
      return bytes.error();
    auto type = org_logo_type(*bytes);
    if (!type)
      return type.error();
    return st.emit(logo_set{json{{"content_type", *type}, {"data", org_to_base64(*bytes)}}});
  }
  if (op == "domain") {
    if (auto err = book.can(by, org_action::edit_branding))
      return err;
    auto domain = field(body, "domain");
    extra["previous"] = book.domain();
    return domain == book.domain() ? caf::none : st.emit(domain_set{json{{"domain", domain}}});
  }
  return make_error(errc::invalid_argument, "unknown organisation command '" + op + "'");
}

caf::behavior org_behavior(org_entity* self, caf::actor registry, storage::event_store* store,
                           std::string slug, const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = org_snapshot_every;
  if (auto err = st.activate(self, *store, slug, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](org_create_atom, const std::string& by,
           const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (!valid_org_slug(st.id()))
        return org_answer(self, make_error(errc::invalid_argument,
                                           "'slug' must be [a-z0-9][a-z0-9-]{1,31}"));
      if (auto err = check_user(by))
        return org_answer(self, err);
      auto parsed = json::parse(body, nullptr, false);
      if (parsed.is_discarded() || !parsed.is_object())
        return org_answer(self, make_error(errc::invalid_json, "an org must be a JSON object"));
      if (auto err = check_org_create(parsed, st.id()))
        return org_answer(self, err);
      if (auto err = st.book.can_create(org_actor{by, false}))
        return org_answer(self, err);
      return org_answer(self, st.emit(created{json{{"slug", st.id()},
                                                   {"name", parsed.at("name")},
                                                   {"description", field(parsed, "description")},
                                                   {"owner", by}}}));
    },
    [self](org_get_atom) -> caf::result<std::string> {
      auto& st = self->state;
      if (!st.book.alive())
        return org_answer(self, org_gone());
      st.touch();
      return st.book.to_json(false).dump();
    },
    [self](org_role_atom, const std::string& user) -> std::string {
      auto& st = self->state;
      st.touch();
      auto role = st.book.alive() ? st.book.role_of(user) : std::string{};
      (void)st.require_exists(self, caf::none);
      return role;
    },
    [self](org_cmd_atom, const std::string& by, bool site_admin, const std::string& op,
           const std::string& body) -> caf::result<std::string> {
      auto parsed = json::parse(body, nullptr, false);
      if (parsed.is_discarded() || !parsed.is_object())
        return org_answer(self, make_error(errc::invalid_json, "a body must be a JSON object"));
      json extra = json::object();
      if (auto err = run_command(self, org_actor{by, site_admin}, op, parsed, extra))
        return org_answer(self, err);
      if (extra.empty())
        return org_answer(self, caf::none);
      self->state.touch();
      auto out = self->state.book.alive() ? self->state.book.to_json(true) : json::object();
      out.update(extra);
      return out.dump();
    },
    [self](org_logo_atom) -> caf::result<std::string> {
      auto& st = self->state;
      if (!st.book.alive() || !st.book.has_logo())
        return org_answer(self, make_error(errc::not_found, "no logo"));
      st.touch();
      return json{{"content_type", st.book.logo_type()}, {"data", st.book.logo_base64()}}.dump();
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_org_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                   const runtime::clock& clock) {
  kinds.factories["org"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                            const std::string& slug) {
    return sys.spawn(org_behavior, registry, &store, slug, &clock);
  };
  add_org_domain_kind(kinds, store, clock);
}

}  // namespace aethex::actors

#include "actors/orgstreams/orgstreams.hpp"

#include <utility>

#include <caf/all.hpp>

#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/emotes/emotes.hpp"
#include "actors/identity/user.hpp"
#include "actors/orgs/orgs.hpp"
#include "actors/orgstreams/orgstreams_events.hpp"
#include "actors/orgstreams/policy_book.hpp"
#include "runtime/errors.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
namespace ev = orgstreams_ev;

struct orgstreams_state {
  static constexpr std::string_view kind = "orgstreams";
  static inline const char* name = "orgstreams";
  using events = event_list<ev::moderator_added, ev::moderator_removed, ev::banned, ev::unbanned,
                            ev::rule_set, ev::key_issued, ev::key_revoked, ev::scheduled,
                            ev::unscheduled, ev::went_live, ev::emotes_set>;

  policy_book book;
  // Channels whose rooms were told the policy since activation: a channel detached later is
  // told an empty policy. Not persisted: after a restart every current channel is told again.
  std::set<std::string> pushed;

  void apply(const ev::moderator_added& e, const event_meta&) {
    book.add_moderator(e.body.at("user"), e.body.value("by", ""));
  }
  void apply(const ev::moderator_removed& e, const event_meta&) {
    book.remove_moderator(e.body.at("user"));
  }
  void apply(const ev::banned& e, const event_meta& meta) {
    book.ban(e.body.at("user"),
             org_ban{e.body.value("reason", ""), e.body.value("by", ""), meta.timestamp_ms});
  }
  void apply(const ev::unbanned& e, const event_meta&) { book.unban(e.body.at("user")); }
  void apply(const ev::rule_set& e, const event_meta&) {
    book.set_rule(e.body.at("channel"), e.body.at("members").get<std::set<std::string>>());
  }
  void apply(const ev::key_issued& e, const event_meta&) {
    book.issue_key(e.body.at("channel"), e.body.at("member"), e.body.at("digest"));
  }
  void apply(const ev::key_revoked& e, const event_meta&) {
    book.revoke_key(e.body.at("channel"), e.body.at("member"));
  }
  void apply(const ev::scheduled& e, const event_meta& meta) {
    auto& b = e.body;
    book.schedule(schedule_entry{b.at("id"), b.at("channel"), b.at("title"), b.at("starts_at_ms"),
                                 b.at("duration_min"), b.value("streamer", ""), meta.timestamp_ms});
  }
  void apply(const ev::unscheduled& e, const event_meta&) { book.unschedule(e.body.at("id")); }
  void apply(const ev::went_live& e, const event_meta& meta) {
    book.went_live(e.body.at("channel"),
                   member_live{e.body.at("member"), e.body.at("session"), meta.timestamp_ms});
  }

  void apply(const ev::emotes_set& e, const event_meta&) {
    book.set_emotes(e.body.at("codes").get<std::set<std::string>>());
  }

  std::string snapshot() const { return book.snapshot().dump(); }
  void restore(const std::string& text) { book.restore(json::parse(text)); }
};

using orgstreams_actor = caf::stateful_actor<event_sourced<orgstreams_state>>;

constexpr std::uint64_t orgstreams_snapshot_every = 256;

caf::error bad(std::string message) { return make_error(errc::invalid_argument, message); }

// Asks org/<slug> for its JSON; `done` runs as one of this actor's messages.
template <class Done>
void with_org(orgstreams_actor* self, Done done) {
  self
    ->request(self->state.registry(), entity_ask_timeout, route_atom::value, std::string{"org"},
              self->state.id(), caf::make_message(org_get_atom::value))
    .then(
      [done](std::string& text) mutable {
        auto j = json::parse(text, nullptr, false);
        if (j.is_discarded() || !j.is_object())
          return void(
            done(caf::expected<org_facts>{make_error(errc::unavailable, "org unreadable")}));
        done(caf::expected<org_facts>{org_facts_of(j)});
      },
      [done](caf::error& err) mutable {
        done(caf::expected<org_facts>{code_of(err) == errc::not_found
                                        ? make_error(errc::not_found, "org not found")
                                        : std::move(err)});
      });
}

// Tells every org channel's room the policy (and a detached channel's room that none holds),
// and revokes keys the org no longer backs (a member gone, a channel detached).
void sync(orgstreams_actor* self, const org_facts& org) {
  auto& st = self->state;
  for (auto& [channel, member] : st.book.stale_keys(org))
    (void)st.emit(ev::key_revoked{json{{"channel", channel}, {"member", member}}});
  auto policy = st.book.room_policy();
  policy["org"] = st.id();
  auto text = policy.dump();
  for (auto& channel : org.channels)
    entity_ref<chat_protocol>{st.registry(), channel}.tell(chat_org_atom::value, text);
  for (auto& channel : st.pushed)
    if (!org.channels.count(channel))
      entity_ref<chat_protocol>{st.registry(), channel}.tell(
        chat_org_atom::value,
        json{{"org", ""}, {"moderators", json::array()}, {"banned", json::array()}}.dump());
  st.pushed = org.channels;
}

caf::expected<std::string> user_of(const json& cmd) {
  auto user = cmd.value("user", json());
  if (!user.is_string() || !valid_username(user.get<std::string>()))
    return bad("'user' must be a user name");
  return user.get<std::string>();
}

// A command of a manager (checked); the answer is the policy, with "key" when one was issued.
caf::expected<json> run_command(orgstreams_actor* self, const org_facts& org, const std::string& by,
                                const json& cmd) {
  auto& st = self->state;
  auto& book = st.book;
  auto op = cmd.value("op", "");
  json extra = json::object();
  caf::error err;
  if (op == "add_moderator" || op == "remove_moderator" || op == "ban" || op == "unban") {
    auto user = user_of(cmd);
    if (!user)
      return user.error();
    if (op == "add_moderator") {
      if (auto e = book.can_add_moderator(*user))
        return e;
      if (!book.is_moderator(*user))
        err = st.emit(ev::moderator_added{json{{"user", *user}, {"by", by}}});
    } else if (op == "remove_moderator") {
      if (!book.is_moderator(*user))
        return make_error(errc::not_found, *user + " is not a shared moderator");
      err = st.emit(ev::moderator_removed{json{{"user", *user}, {"by", by}}});
    } else if (op == "ban") {
      auto reason = cmd.value("reason", json(""));
      if (!reason.is_string())
        return bad("'reason' must be a string");
      if (auto e = book.can_ban(*user, reason))
        return e;
      if (!book.is_banned(*user))
        err = st.emit(ev::banned{json{{"user", *user}, {"reason", reason}, {"by", by}}});
    } else {
      if (!book.is_banned(*user))
        return make_error(errc::not_found, *user + " is not banned");
      err = st.emit(ev::unbanned{json{{"user", *user}, {"by", by}}});
    }
  } else if (op == "set_rule") {
    auto channel = cmd.value("channel", json());
    auto members = cmd.value("members", json());
    if (!channel.is_string() || !members.is_array())
      return bad("a rule is {\"channel\", \"members\": [user]}");
    std::vector<std::string> list;
    for (auto& m : members) {
      if (!m.is_string())
        return bad("'members' must be user names");
      list.push_back(m);
    }
    if (auto e = book.can_set_rule(org, channel, list))
      return e;
    std::set<std::string> now{list.begin(), list.end()};
    if (auto e = st.emit(ev::rule_set{json{{"channel", channel}, {"members", now}, {"by", by}}}))
      return e;
    // Each newly allowed member gets a key for this channel, shown once here.
    auto keys = json::array();
    for (auto& m : now)
      if (!book.has_key(channel, m)) {
        auto key = new_member_key(channel.get<std::string>(), st.id());
        if (auto e = st.emit(ev::key_issued{
              json{{"channel", channel}, {"member", m}, {"digest", runtime::token_digest(key)}}}))
          return e;
        keys.push_back(json{{"member", m}, {"key", key}});
      }
    extra["keys"] = keys;
  } else if (op == "rotate_key") {
    auto channel = cmd.value("channel", "");
    auto member = cmd.value("member", "");
    if (!book.allowed(channel, member))
      return make_error(errc::not_found, member + " may not stream on " + channel);
    auto key = new_member_key(channel, st.id());
    err = st.emit(ev::key_issued{
      json{{"channel", channel}, {"member", member}, {"digest", runtime::token_digest(key)}}});
    extra["keys"] = json::array({json{{"member", member}, {"key", key}}});
  } else if (op == "schedule") {
    schedule_entry e;
    if (!cmd.value("channel", json()).is_string() || !cmd.value("title", json()).is_string() ||
        !cmd.value("starts_at_ms", json()).is_number_integer() ||
        !cmd.value("duration_min", json()).is_number_integer() ||
        !cmd.value("streamer", json("")).is_string())
      return bad(
        "an entry is {\"channel\",\"title\",\"starts_at_ms\",\"duration_min\",\"streamer\"?}");
    e.channel = cmd["channel"];
    e.title = cmd["title"];
    e.starts_at_ms = cmd["starts_at_ms"];
    e.duration_min = cmd["duration_min"];
    e.streamer = cmd.value("streamer", "");
    if (auto bad_entry = book.can_schedule(org, e, st.clock().now_ms()))
      return bad_entry;
    e.id = runtime::random_hex(8);
    err = st.emit(ev::scheduled{json{{"id", e.id},
                                     {"channel", e.channel},
                                     {"title", e.title},
                                     {"starts_at_ms", e.starts_at_ms},
                                     {"duration_min", e.duration_min},
                                     {"streamer", e.streamer}}});
    extra["id"] = e.id;
  } else if (op == "unschedule") {
    auto id = cmd.value("id", "");
    if (!book.schedule_entries().count(id))
      return make_error(errc::not_found, "no such schedule entry");
    err = st.emit(ev::unscheduled{json{{"id", id}}});
  } else if (op != "sync") {
    return bad("unknown op '" + op + "'");
  }
  if (err)
    return err;
  auto out = book.to_json(st.id());
  out.update(extra);
  return out;
}

// The site admin ("") or an org member whose role may manage the org's streams.
bool may_manage(const org_facts& org, const std::string& caller) {
  auto it = org.roles.find(caller);
  return caller.empty() ||
         (it != org.roles.end() && org_role_allows(it->second, org_action::multistream));
}

caf::error not_manager() {
  return make_error(errc::forbidden, "only the org's owner and admins manage its streams");
}

using emote_set_ref = entity_ref<emotes_protocol>;

// After a change of the org's emote set: its codes are read back from the set (so a code this
// entity failed to record once is recorded at the next change), stored, and pushed to the rooms.
void emotes_changed(orgstreams_actor* self, org_facts org,
                    caf::typed_response_promise<std::string> rp, std::string answer) {
  emote_set_ref{self->state.registry(), org_emote_set(self->state.id())}
    .ask(emote_list_atom::value)
    .then(self, [self, org = std::move(org), rp,
                 answer = std::move(answer)](caf::expected<std::string> list) mutable {
      auto& st = self->state;
      auto j = list ? json::parse(*list, nullptr, false) : json();
      if (j.is_object()) {
        std::set<std::string> codes;
        for (auto& e : j.value("emotes", json::array()))
          codes.insert(e.value("code", ""));
        if (codes != st.book.emotes())
          if (auto err = st.emit(ev::emotes_set{json{{"codes", codes}}}))
            return void(rp.deliver(std::move(err)));
      }
      sync(self, org);
      rp.deliver(std::move(answer));
    });
}

// (orgs_emote_atom, …): the org's shared emotes. The emotes domain checks the code and image
// (emotes/org-<slug>, the same rules as a channel's); the org decides who may change them.
caf::result<std::string> org_emotes(orgstreams_actor* self, std::string caller, std::string op,
                                    std::string code, std::string image) {
  if (op != "list" && op != "add" && op != "delete")
    return bad("unknown emote op '" + op + "'");
  auto rp = self->make_response_promise<std::string>();
  with_org(self, [self, rp, caller = std::move(caller), op = std::move(op), code = std::move(code),
                  image = std::move(image)](caf::expected<org_facts> org) mutable {
    auto& st = self->state;
    st.touch();
    if (!org)
      return void(rp.deliver(org.error()));
    emote_set_ref set{st.registry(), org_emote_set(st.id())};
    if (op == "list")
      return set.ask(emote_list_atom::value)
        .then(self, [slug = st.id(), rp](caf::expected<std::string> list) mutable {
          if (!list)
            return void(rp.deliver(list.error()));
          auto j = json::parse(*list);
          j["org"] = slug;
          rp.deliver(j.dump());
        });
    if (!may_manage(*org, caller))
      return void(rp.deliver(not_manager()));
    auto after = [self, rp, org = *org](caf::expected<std::string> answer) mutable {
      if (!answer)
        return void(rp.deliver(answer.error()));
      emotes_changed(self, std::move(org), rp, std::move(*answer));
    };
    auto by = caller.empty() ? std::string{"admin"} : caller;
    if (op == "add")
      set.ask(emote_add_atom::value, code, std::move(image), by).then(self, std::move(after));
    else
      set.ask(emote_delete_atom::value, code, by).then(self, std::move(after));
  });
  return rp;
}

caf::behavior orgstreams_behavior(orgstreams_actor* self, caf::actor registry,
                                  storage::event_store* store, std::string slug,
                                  const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = orgstreams_snapshot_every;
  if (auto err = st.activate(self, *store, slug, opts))
    return st.refuse(self, std::move(err));
  // Every command asks org/<slug> first: roles decide who may, channels where the policy goes.
  auto managed = [self](std::string caller, json cmd) {
    auto rp = self->make_response_promise<std::string>();
    with_org(self, [self, rp, caller, cmd](caf::expected<org_facts> org) mutable {
      self->state.touch();
      if (!org)
        return void(rp.deliver(org.error()));
      if (!may_manage(*org, caller))
        return void(rp.deliver(not_manager()));
      auto out = run_command(self, *org, caller.empty() ? "admin" : caller, cmd);
      sync(self, *org);
      if (!out)
        return void(rp.deliver(out.error()));
      rp.deliver(out->dump());
    });
    return rp;
  };
  return {
    [managed](orgs_get_atom, const std::string& caller) -> caf::result<std::string> {
      return managed(caller, json{{"op", "sync"}});
    },
    [managed](orgs_change_atom, const std::string& caller,
              const std::string& command) -> caf::result<std::string> {
      auto cmd = json::parse(command, nullptr, false);
      if (cmd.is_discarded() || !cmd.is_object())
        return make_error(errc::invalid_json, "a command must be a JSON object");
      return managed(caller, std::move(cmd));
    },
    [self](orgs_emote_atom, std::string& caller, std::string& op, std::string& code,
           std::string& image) -> caf::result<std::string> {
      return org_emotes(self, std::move(caller), std::move(op), std::move(code), std::move(image));
    },
    [managed](orgs_sync_atom) -> caf::result<std::string> {
      return managed("", json{{"op", "sync"}});
    },
    [self](orgs_key_atom, const std::string& channel, const std::string& key,
           const std::string& session) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      auto member = st.book.member_of_digest(channel, runtime::token_digest(key));
      if (member.empty()) {
        (void)st.require_exists(self, caf::none);
        return make_error(errc::unauthorized, "invalid stream key");
      }
      // The org decides at the moment of going live: a member removed since holds no key.
      auto rp = self->make_response_promise<std::string>();
      with_org(self, [self, rp, channel, member, session](caf::expected<org_facts> org) mutable {
        auto& st = self->state;
        if (!org)
          return void(rp.deliver(make_error(errc::unauthorized, "invalid stream key")));
        if (!org->roles.count(member) || !org->channels.count(channel) ||
            !st.book.allowed(channel, member)) {
          sync(self, *org);  // revokes the key
          return void(rp.deliver(make_error(errc::unauthorized, "invalid stream key")));
        }
        if (auto err = st.emit(ev::went_live{
              json{{"channel", channel}, {"member", member}, {"session", session}}}))
          return void(rp.deliver(err));
        rp.deliver(member);
      });
      return rp;
    },
    [self](orgs_ics_atom) -> caf::result<std::string> {
      auto& st = self->state;
      return st.answer_read(self, st.book.ics(st.id(), st.clock().now_ms()));
    },
    [self](orgs_live_atom) -> caf::result<std::string> {
      auto& st = self->state;
      json out = json::object();
      for (auto& [channel, l] : st.book.live())
        out[channel] = json{{"member", l.member}, {"session", l.session}, {"since_ms", l.since_ms}};
      return st.answer_read(self, out.dump());
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_orgstreams_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                         const runtime::clock& clock) {
  kinds.factories["orgstreams"] =
    [&store, &clock](caf::actor_system& sys, const caf::actor& registry, const std::string& slug) {
      return sys.spawn(orgstreams_behavior, registry, &store, slug, &clock);
    };
}

}  // namespace aethex::actors

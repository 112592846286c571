// certificate/<code> and certificates/<course> (actors/certificates/certificates.hpp).
#include <map>
#include <utility>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/certificates/certificates.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/core/text.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

namespace cert_ev {
struct issued {
  static constexpr std::string_view type = "certificate.issued";
  static constexpr std::uint32_t schema = 1;
  json details;  // {"code","course","title","user","display_name","issuer","timezone"}
};
struct revoked {
  static constexpr std::string_view type = "certificate.revoked";
  static constexpr std::uint32_t schema = 1;
  std::string reason;
  std::string by;
};
struct assigned {
  static constexpr std::string_view type = "certificates.assigned";
  static constexpr std::uint32_t schema = 1;
  std::string user;
  std::string code;
};
void to_json(json& j, const issued& e) { j = e.details; }
void from_json(const json& j, issued& e) { e.details = j; }
void to_json(json& j, const revoked& e) { j = json{{"reason", e.reason}, {"by", e.by}}; }
void from_json(const json& j, revoked& e) {
  e.reason = j.value("reason", "");
  e.by = j.value("by", "");
}
void to_json(json& j, const assigned& e) { j = json{{"user", e.user}, {"code", e.code}}; }
void from_json(const json& j, assigned& e) {
  e.user = j.at("user").get<std::string>();
  e.code = j.at("code").get<std::string>();
}
}  // namespace cert_ev

// ---- certificate/<code> ----

struct certificate_state {
  static constexpr std::string_view kind = "certificate";
  static inline const char* name = "certificate";
  using events = event_list<cert_ev::issued, cert_ev::revoked>;

  json cert;  // null until issued

  bool known() const { return cert.is_object(); }
  void apply(const cert_ev::issued& e, const event_meta& meta) {
    cert = json{{"code", e.details.value("code", "")},
                {"course", e.details.value("course", "")},
                {"title", e.details.value("title", "")},
                {"user", e.details.value("user", "")},
                {"display_name", e.details.value("display_name", "")},
                {"issuer", e.details.value("issuer", "")},
                {"timezone", e.details.value("timezone", "UTC")},
                {"issued_at_ms", meta.timestamp_ms},
                {"revoked", false},
                {"reason", nullptr},
                {"revoked_by", nullptr},
                {"revoked_at_ms", nullptr}};
  }
  void apply(const cert_ev::revoked& e, const event_meta& meta) {
    cert["revoked"] = true;
    cert["reason"] = e.reason;
    cert["revoked_by"] = e.by;
    cert["revoked_at_ms"] = meta.timestamp_ms;
  }
  std::string snapshot() const { return cert.dump(); }
  void restore(const std::string& text) { cert = json::parse(text); }
};

using certificate_actor = caf::stateful_actor<event_sourced<certificate_state>>;

caf::error cert_missing() { return make_error(errc::not_found, "certificate not found"); }

caf::result<std::string> cert_answer(certificate_actor* self, caf::error err) {
  auto& st = self->state;
  st.touch();
  if (err) {
    (void)st.require_exists(self, caf::none);
    return err;
  }
  return st.cert.dump();
}

// The text fields of an issue, checked: short one-line strings (the routes built them).
caf::expected<json> issue_details(const std::string& text, const std::string& code) {
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object())
    return make_error(errc::invalid_json, "certificate details must be a JSON object");
  json out{{"code", code}};
  for (const char* key : {"course", "title", "user", "display_name", "issuer", "timezone"}) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string() || it->get<std::string>().size() > 1000)
      return make_error(errc::invalid_argument, std::string{"'"} + key + "' must be a string");
    out[key] = *it;
  }
  if (out["course"] == "" || out["user"] == "")
    return make_error(errc::invalid_argument, "a certificate names its course and user");
  return out;
}

caf::behavior certificate_behavior(certificate_actor* self, caf::actor registry,
                                   storage::event_store* store, std::string code,
                                   const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  if (auto err = st.activate(self, *store, code, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](cert_issue_atom, const std::string& text) -> caf::result<std::string> {
      auto& st = self->state;
      if (!valid_certificate_code(st.id()))
        return cert_answer(self, make_error(errc::invalid_argument, "not a certificate code"));
      auto details = issue_details(text, st.id());
      if (!details)
        return cert_answer(self, details.error());
      if (st.known()) {
        // The same (course, user) asking again gets its certificate; anyone else, a conflict.
        if (st.cert["course"] == (*details)["course"] && st.cert["user"] == (*details)["user"])
          return cert_answer(self, caf::none);
        return cert_answer(self, make_error(errc::conflict, "the code is taken", "code_taken"));
      }
      return cert_answer(self, st.emit(cert_ev::issued{*details}));
    },
    [self](cert_get_atom) -> caf::result<std::string> {
      return cert_answer(self, self->state.known() ? caf::none : cert_missing());
    },
    [self](cert_revoke_atom, const std::string& by,
           const std::string& reason) -> caf::result<std::string> {
      auto& st = self->state;
      if (!st.known())
        return cert_answer(self, cert_missing());
      if (st.cert.value("revoked", false))
        return cert_answer(self, make_error(errc::conflict, "the certificate is already revoked",
                                            "already_revoked"));
      auto n = utf8_length(reason);
      if (n < 1 || n > certificate_limits::reason_max)
        return cert_answer(self,
                           make_error(errc::invalid_argument, "'reason' must be 1-500 characters"));
      return cert_answer(self, st.emit(cert_ev::revoked{reason, by}));
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

// ---- certificates/<course> ----

struct certificate_index_state {
  static constexpr std::string_view kind = "certificates";
  static inline const char* name = "certificates";
  using events = event_list<cert_ev::assigned>;

  std::map<std::string, std::string> code_of;  // user → code

  bool known() const { return !code_of.empty(); }
  void apply(const cert_ev::assigned& e, const event_meta&) { code_of[e.user] = e.code; }
  std::string snapshot() const { return json(code_of).dump(); }
  void restore(const std::string& text) {
    code_of = json::parse(text).get<std::map<std::string, std::string>>();
  }
};

using certificate_index_actor = caf::stateful_actor<event_sourced<certificate_index_state>>;

// One event per student; snapshots keep the replay of a big course short.
constexpr std::uint64_t certificate_index_snapshot_every = 512;

std::string assignment(const std::string& user, const std::string& code, bool fresh) {
  return json{{"user", user}, {"code", code}, {"new", fresh}}.dump();
}

caf::behavior certificate_index_behavior(certificate_index_actor* self, caf::actor registry,
                                         storage::event_store* store, std::string course,
                                         const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = certificate_index_snapshot_every;
  if (auto err = st.activate(self, *store, course, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](cert_assign_atom, const std::string& user) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (auto it = st.code_of.find(user); it != st.code_of.end())
        return assignment(user, it->second, false);
      if (user.empty())
        return make_error(errc::invalid_argument, "no user");
      if (st.code_of.size() >= certificate_limits::per_course_max)
        return make_error(errc::conflict, "the course has given all the certificates it may",
                          "course_full");
      auto code = new_certificate_code();
      if (auto err = st.emit(cert_ev::assigned{user, code}))
        return err;
      return assignment(user, code, true);
    },
    [self](cert_reassign_atom, const std::string& user,
           const std::string& code) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      auto it = st.code_of.find(user);
      if (it == st.code_of.end())
        return make_error(errc::not_found, "no certificate for this user");
      if (it->second != code)
        return assignment(user, it->second, false);
      auto fresh = new_certificate_code();
      if (auto err = st.emit(cert_ev::assigned{user, fresh}))
        return err;
      return assignment(user, fresh, true);
    },
    [self](cert_codes_atom) -> caf::result<std::string> {
      auto& st = self->state;
      auto list = json::array();
      for (const auto& [user, code] : st.code_of)
        list.push_back(json{{"user", user}, {"code", code}});
      return st.answer_read(self, json{{"course", st.id()}, {"certificates", list}}.dump());
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_certificate_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                           const runtime::clock& clock) {
  kinds.factories["certificate"] =
    [&store, &clock](caf::actor_system& sys, const caf::actor& registry, const std::string& code) {
      return sys.spawn(certificate_behavior, registry, &store, code, &clock);
    };
  kinds.factories["certificates"] = [&store, &clock](caf::actor_system& sys,
                                                     const caf::actor& registry,
                                                     const std::string& course) {
    return sys.spawn(certificate_index_behavior, registry, &store, course, &clock);
  };
}

}  // namespace aethex::actors

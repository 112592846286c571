// The rules of a webinar without actors or storage: the record the webinar/<id> entity keeps,
// its creation and patch bodies, its JSON, and who may watch, ask and moderate. Contract:
// docs/webinars.md, section "The webinar entity".
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

namespace aethex::actors {

struct webinar_slides {
  std::uint32_t upload = 0;    // which upload the pages are of (1, 2, …)
  std::uint32_t pages = 0;     // 0 while the first render of this upload runs
  std::uint32_t rendered = 0;  // pages rendered so far (progress; not an event)
  std::int64_t current = 1;
  bool rendering = false;
  std::string error;  // why the last upload failed, "" when it did not
  std::string node;   // the member that holds the page images
};

struct webinar_record {
  std::string id;
  std::string channel;
  std::string title;
  std::string description;
  std::int64_t starts_at_ms = 0;
  std::int64_t duration_min = 60;
  std::string timezone = "UTC";
  std::vector<std::string> presenters;
  std::string access = "public";  // "public" | "registered"
  std::set<std::string> registered;
  std::optional<webinar_slides> slides;
  bool deleted = false;

  std::int64_t ends_at_ms() const { return starts_at_ms + duration_min * 60'000; }
  bool presenter(const std::string& user) const;
};

/// Checks a creation body (every field but channel) or, with `patch`, a change of some fields;
/// writes what it accepts into `into` and returns the accepted fields as JSON (for the event).
/// errc::invalid_argument naming the field and its limit.
caf::expected<nlohmann::json> apply_webinar_body(const nlohmann::json& body, bool patch,
                                                 webinar_record& into);

/// The documented JSON (`live` from `now_ms`: inside the scheduled window).
nlohmann::json webinar_json(const webinar_record& w, std::int64_t now_ms);

/// Who `user` is to the webinar, for webinar_access_atom: `role` is the caller's role in the
/// channel's chat room ("broadcaster", "editor", "moderator", …; "" for none), `org_manager`
/// whether an org role allows creating webinars on the channel, `admin` the admin token.
struct webinar_access {
  bool watch = false;
  bool ask = false;
  bool moderate = false;
  bool present = false;     // upload slides, change the page (presenters and managers)
  bool manage = false;      // edit and delete (managers the entity knows: no org roles)
  bool registered = false;  // the caller registered
};
webinar_access access_of(const webinar_record& w, const std::string& user, bool signed_in,
                         bool admin, const std::string& role, bool org_manager);
inline nlohmann::json access_json(const webinar_access& a) {
  return {{"watch", a.watch},     {"ask", a.ask},       {"moderate", a.moderate},
          {"present", a.present}, {"manage", a.manage}, {"registered", a.registered}};
}

/// The record without registrations as a snapshot, and back.
nlohmann::json webinar_snapshot(const webinar_record& w);
webinar_record webinar_from_snapshot(const nlohmann::json& j);

}  // namespace aethex::actors

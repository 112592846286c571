// The events of orgstreams/<slug> (orgstreams.hpp lists them), for its entity and its tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace aethex::actors::orgstreams_ev {

using json = nlohmann::json;

// One event shape per kind of change: user + by (+ reason), channel + member (+ digest), ...
#define AETHEX_ORGS_EVENT(Name, Type)                         \
  struct Name {                                               \
    static constexpr std::string_view type = Type;            \
    static constexpr std::uint32_t schema = 1;                \
    json body;                                                \
  };                                                          \
  inline void to_json(json& j, const Name& e) { j = e.body; } \
  inline void from_json(const json& j, Name& e) { e.body = j; }

AETHEX_ORGS_EVENT(moderator_added, "orgstreams.moderator_added")
AETHEX_ORGS_EVENT(moderator_removed, "orgstreams.moderator_removed")
AETHEX_ORGS_EVENT(banned, "orgstreams.banned")
AETHEX_ORGS_EVENT(unbanned, "orgstreams.unbanned")
AETHEX_ORGS_EVENT(rule_set, "orgstreams.rule_set")
AETHEX_ORGS_EVENT(key_issued, "orgstreams.key_issued")
AETHEX_ORGS_EVENT(key_revoked, "orgstreams.key_revoked")
AETHEX_ORGS_EVENT(scheduled, "orgstreams.scheduled")
AETHEX_ORGS_EVENT(unscheduled, "orgstreams.unscheduled")
AETHEX_ORGS_EVENT(went_live, "orgstreams.went_live")
AETHEX_ORGS_EVENT(emotes_set, "orgstreams.emotes_set")

#undef AETHEX_ORGS_EVENT

}  // namespace aethex::actors::orgstreams_ev

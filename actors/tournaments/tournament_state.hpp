// The state of tournament/<id> (tournaments.hpp): its events (JSON bodies), how each applies,
// and what is derived from them (the bracket with disputes and forfeits of withdrawn entrants,
// the tournament JSON, the index row, due reminders). No actor code: tournament.cpp drives it.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/tournaments/bracket.hpp"
#include "actors/tournaments/tournament_rules.hpp"

namespace aethex::actors::trn {

using json = nlohmann::json;

/// An event name as a template argument: every tournament event is a JSON body under its type.
template <std::size_t N>
struct event_name {
  char text[N]{};
  constexpr event_name(const char (&s)[N]) { std::copy_n(s, N, text); }  // NOLINT
};

template <event_name Name>
struct event {
  static constexpr std::string_view type{Name.text};
  static constexpr std::uint32_t schema = 1;
  json body = json::object();
};
template <event_name Name>
void to_json(json& j, const event<Name>& e) {
  j = e.body;
}
template <event_name Name>
void from_json(const json& j, event<Name>& e) {
  e.body = j;
}

using created = event<"tournament.created">;
using updated = event<"tournament.updated">;
using entrant_added = event<"tournament.entrant_added">;
using entrant_removed = event<"tournament.entrant_removed">;
using checked_in = event<"tournament.checked_in">;
using check_in_closed = event<"tournament.check_in_closed">;
using started = event<"tournament.started">;
using withdrawn = event<"tournament.withdrawn">;
using reported = event<"tournament.reported">;
using resulted = event<"tournament.result">;
using scheduled = event<"tournament.scheduled">;
using streams_set = event<"tournament.streams">;
using vod_linked = event<"tournament.vod_linked">;
using organizer_added = event<"tournament.organizer_added">;
using prize_funded = event<"tournament.prize_funded">;
using prize_paid = event<"tournament.prize_paid">;
using canceled = event<"tournament.canceled">;
using finished = event<"tournament.finished">;
using indexed = event<"tournament.indexed">;
/// A personal notification (the notify domain stores it in each user's inbox): here, a reminder.
using personal_notice = event<"notify.personal">;

struct entrant {
  std::string name;
  bool checked_in = false;
  bool withdrawn = false;  // after the start: forfeits every match left
  std::string captain;     // team entrants, locked at the start
  std::vector<std::string> members;
};

struct report {
  std::string winner;
  std::array<int, 2> score{0, 0};
  std::array<std::string, 2> opponents;
};

struct match_info {
  std::map<std::string, report, std::less<>> reports;  // by side (entrant name)
  std::int64_t scheduled_at_ms = 0;
  std::vector<std::string> channels;
  json vods = json::array();
  std::int64_t settled_at_ms = 0;
};

enum class phase { none, registration, running, canceled };

struct tournament_state {
  static constexpr std::string_view kind = "tournament";
  static inline const char* name = "tournament";
  using events = event_list<created, updated, entrant_added, entrant_removed, checked_in,
                            check_in_closed, started, withdrawn, reported, resulted, scheduled,
                            streams_set, vod_linked, organizer_added, prize_funded, prize_paid,
                            canceled, finished, indexed, personal_notice>;

  esports::tournament_settings settings;
  std::string organizer;
  bool organizer_is_admin = false;
  std::vector<std::string> co_organizers;
  phase stage = phase::none;
  bool check_in_done = false;
  std::vector<entrant> entrants;  // seed order
  std::map<std::string, esports::match_result, std::less<>> results;
  std::map<std::string, match_info, std::less<>> info;
  std::set<std::string, std::less<>> reminded;  // notify.personal ids sent
  std::int64_t funded = 0;
  std::int64_t fundings = 0;
  json payouts = nullptr;
  std::optional<std::string> champion_recorded;  // tournament.finished
  bool rosters_released = false;
  json last_index = nullptr;
  std::int64_t created_at_ms = 0;
  std::string canceled_by;

  esports::bracket derived;  // recomputed after each event that changes the bracket's inputs

  void apply(const created& e, const event_meta& m);
  void apply(const updated& e, const event_meta& m);
  void apply(const entrant_added& e, const event_meta& m);
  void apply(const entrant_removed& e, const event_meta& m);
  void apply(const checked_in& e, const event_meta& m);
  void apply(const check_in_closed& e, const event_meta& m);
  void apply(const started& e, const event_meta& m);
  void apply(const withdrawn& e, const event_meta& m);
  void apply(const reported& e, const event_meta& m);
  void apply(const resulted& e, const event_meta& m);
  void apply(const scheduled& e, const event_meta& m);
  void apply(const streams_set& e, const event_meta& m);
  void apply(const vod_linked& e, const event_meta& m);
  void apply(const organizer_added& e, const event_meta& m);
  void apply(const prize_funded& e, const event_meta& m);
  void apply(const prize_paid& e, const event_meta& m);
  void apply(const canceled& e, const event_meta& m);
  void apply(const finished& e, const event_meta& m);
  void apply(const indexed& e, const event_meta& m);
  void apply(const personal_notice& e, const event_meta& m);

  // ---- derived ----
  bool created_yet() const { return stage != phase::none; }
  /// "registration" | "running" | "finished" | "canceled".
  std::string state_name() const;
  bool is_organizer(std::string_view who) const;
  std::vector<std::string> seeds() const;
  const entrant* find_entrant(std::string_view name) const;
  const esports::bracket_match* find_match(std::string_view id) const;
  /// The entrant `who` plays for in `match` (the user, or a team's captain), if any.
  std::optional<std::string> side_of(std::string_view who, const esports::bracket_match& m) const;
  /// Both sides reported differently for the current opponents (and no result settles it).
  bool disputed(const esports::bracket_match& m) const;
  /// Users an entrant stands for (a team's locked roster).
  std::vector<std::string> users_of(std::string_view entrant_name) const;
  std::int64_t check_in_opens_at_ms() const;
  bool check_in_open(std::int64_t now_ms) const;

  json match_json(const esports::bracket_match& m) const;
  json to_json(std::string_view id) const;
  /// Settled matches' stream channels without a VOD yet, with the time the match began (its
  /// schedule, else when it was settled), while a lookup is due (tournament_limits).
  json vods_wanted(std::int64_t now_ms) const;
  /// What the read model lists: summary, calendar of scheduled matches, when to tick next.
  json index_json(std::string_view id, std::int64_t now_ms) const;

  void recompute();
};

}  // namespace aethex::actors::trn

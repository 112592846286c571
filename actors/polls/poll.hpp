// The rules of a channel's polls, without actors or storage: what a poll is, the limits of its
// creation body (Twitch's), what a vote counts and costs, and the book the poll/<channel> entity
// keeps (the current or last poll with its voters, the archive of ended polls, and the votes
// accepted but not yet recorded). Contract: docs/engagement.md, section Polls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

namespace aethex::actors {

namespace poll_limits {
inline constexpr std::size_t title_max = 60;  // code points, after trimming white space
inline constexpr std::size_t choice_max = 25;
inline constexpr std::size_t choices_min = 2;
inline constexpr std::size_t choices_max = 5;
inline constexpr std::int64_t duration_min_s = 15;
inline constexpr std::int64_t duration_max_s = 1800;
inline constexpr std::int64_t points_per_vote_max = 1'000'000;
/// Votes one request may add (so their price fits any balance check without overflow).
inline constexpr std::int64_t votes_per_request_max = 1'000'000;
/// Voters one poll takes: its per-voter map lives in memory and in every snapshot.
inline constexpr std::size_t voters_max = 250'000;
/// Ended polls kept with their results.
inline constexpr std::size_t archive_max = 50;
/// How long an ended poll is still "current" (for pages that open after it ended).
inline constexpr std::int64_t recent_ms = 5 * 60'000;
}  // namespace poll_limits

struct poll_choice {
  std::string title;
  std::int64_t votes = 0;
};

/// One poll as clients see it (and as the archive keeps it: results only, no voters).
struct poll_record {
  std::int64_t id = 0;  // 1, 2, … per channel
  std::string title;
  std::vector<poll_choice> choices;
  std::int64_t total_votes = 0;
  std::int64_t voters = 0;
  bool active = false;
  std::int64_t started_at_ms = 0;
  std::int64_t ends_at_ms = 0;
  std::int64_t ended_at_ms = 0;  // 0 while active
  std::int64_t duration_s = 0;
  std::int64_t points_per_vote = 0;
};

/// The documented poll JSON (without `my_votes`).
nlohmann::json poll_json(const poll_record& poll);
poll_record poll_from_json(const nlohmann::json& j);

/// A checked creation body.
struct poll_spec {
  std::string title;
  std::vector<std::string> choices;
  std::int64_t duration_s = 0;
  std::int64_t points_per_vote = 0;
};

/// Reads `{"title","choices","duration_s","points_per_vote"?}`; errc::invalid_argument naming the
/// limit a field breaks. Titles are trimmed; two choices may not be the same text.
caf::expected<poll_spec> parse_poll_spec(const nlohmann::json& body);

/// A viewer's votes in one poll: all of them go to the choice of the first.
struct voter_votes {
  std::size_t choice = 0;
  std::int64_t votes = 0;
};

/// What a vote request adds and what it costs in channel points.
struct vote_plan {
  std::size_t choice = 0;
  std::int64_t votes = 0;
  std::int64_t cost = 0;  // points_per_vote for every vote but a viewer's first
};

class poll_book {
 public:
  // ---- rules (no changes) ----
  /// none, or errc::conflict while a poll is active.
  caf::error can_start() const;
  /// What `votes` votes for `choice` by `user` count and cost now, checked against the recorded
  /// votes and those still on their way; errc::not_found (no poll ever), conflict (ended,
  /// already voted, a different choice, no points on this poll, full), invalid_argument.
  caf::expected<vote_plan> plan_vote(const std::string& user, std::int64_t choice,
                                     std::int64_t votes, std::int64_t now_ms) const;
  /// True when the active poll's time is up.
  bool due(std::int64_t now_ms) const { return active() && now_ms >= current_->ends_at_ms; }

  // ---- votes on their way (accepted, being paid for or waiting for the batch write) ----
  void reserve(const std::string& user, std::size_t choice) { reserved_[user] = choice; }
  void release(const std::string& user) { reserved_.erase(user); }
  std::size_t in_flight() const { return reserved_.size(); }

  // ---- changes (applied from events) ----
  /// Starts a poll; the previous one's voters are forgotten (its results are archived).
  void start(poll_record fresh);
  void count(const std::string& user, std::size_t choice, std::int64_t votes);
  /// Ends the active poll at `at_ms` and archives its results.
  void end(std::int64_t at_ms);

  // ---- reads ----
  bool active() const { return current_ && current_->active; }
  /// The active poll, or the last one if it ended within poll_limits::recent_ms.
  const poll_record* current(std::int64_t now_ms) const;
  /// The active or last poll, however old (the console).
  const poll_record* latest() const { return current_ ? &*current_ : nullptr; }
  std::optional<voter_votes> votes_of(const std::string& user) const;
  /// Ended polls, newest first, at most `limit`.
  std::vector<poll_record> archive(std::size_t limit) const;
  std::size_t archived() const { return archive_.size(); }
  std::int64_t next_id() const { return last_id_ + 1; }

  nlohmann::json snapshot() const;
  void restore(const nlohmann::json& j);

 private:
  std::optional<poll_record> current_;
  std::unordered_map<std::string, voter_votes> voters_;  // of current_
  std::unordered_map<std::string, std::size_t> reserved_;
  std::deque<poll_record> archive_;  // oldest first
  std::int64_t last_id_ = 0;
};

}  // namespace aethex::actors

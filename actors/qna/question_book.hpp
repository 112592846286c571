// The rules of a webinar's Q&A, without actors or storage: what a question is, its text rules,
// the limits (5 open per author, 2 000 per webinar, 1–500 code points), one vote per user, the
// moderation states, one question on screen. qna/<webinar> (qna.cpp) checks with these before
// it emits an event and applies its events with them. Contract: docs/webinars.md, section Q&A.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

namespace aethex::actors {

namespace qna_limits {
inline constexpr std::size_t text_max = 500;  // code points, after trimming white space
inline constexpr std::size_t questions_max = 2000;
inline constexpr std::size_t open_per_author = 5;  // pending or approved, not answered/hidden
/// Votes kept per webinar (every voter of every question lives in memory and in snapshots).
inline constexpr std::size_t votes_max = 500'000;
}  // namespace qna_limits

struct qna_question {
  std::int64_t id = 0;  // 1, 2, … per webinar
  std::string author;
  std::string text;
  std::string status = "pending";  // pending | approved | hidden | answered
  bool on_screen = false;
  std::int64_t asked_at_ms = 0;
  std::int64_t answered_at_ms = 0;  // 0 until answered
  std::set<std::string, std::less<>> voters;

  bool open() const { return status == "pending" || status == "approved"; }
  /// Viewers see it (and its frames).
  bool visible() const { return status == "approved" || status == "answered"; }
};

/// The documented Question JSON; "voted" for `caller` ("" → false).
nlohmann::json question_json(const qna_question& q, std::string_view caller = {});

/// A question's text as stored: trimmed; errc::invalid_argument when empty, longer than
/// text_max code points, or holding control characters (line breaks and tabs excepted).
caf::expected<std::string> clean_question_text(std::string_view text);

/// The moderation actions a moderator sends.
bool valid_qna_action(std::string_view action);

class question_book;

/// The questions of `list` sorted: "votes" (most first, then oldest first) or "time" (newest
/// first).
std::vector<const qna_question*> sorted_questions(std::vector<const qna_question*> list,
                                                  std::string_view sort);

class question_book {
 public:
  // ---- rules (no changes) ----
  /// none, or conflict (5 open of `author`, 2 000 in the webinar).
  caf::error can_ask(const std::string& author) const;
  /// not_found (no such question, or one `user` may not see), conflict (not open to votes:
  /// pending, hidden), unavailable (votes_max reached). A vote the user already cast (or an
  /// unvote of no vote) is no change: `changes` says so.
  caf::error can_vote(const std::string& user, std::int64_t id, bool up, bool& changes) const;
  /// not_found, invalid_argument (unknown action), conflict (not possible from its status:
  /// approve an answered one, answer a pending one, put a hidden or pending one on screen).
  /// `changes` is false when the question already is what the action asks.
  caf::error can_moderate(std::int64_t id, std::string_view action, bool& changes) const;

  // ---- changes (applied from events) ----
  void ask(std::int64_t id, std::string author, std::string text, std::string status,
           std::int64_t at_ms);
  void vote(std::int64_t id, const std::string& user, bool up);
  void moderate(std::int64_t id, std::string_view action, std::int64_t at_ms);
  void set_moderation(bool on) { moderation_ = on; }

  // ---- reads ----
  const qna_question* find(std::int64_t id) const;
  /// Every question, oldest first.
  const std::map<std::int64_t, qna_question>& all() const { return questions_; }
  /// The question on screen, or nullptr.
  const qna_question* on_screen() const { return find(on_screen_); }
  bool moderation() const { return moderation_; }
  std::size_t pending() const;
  std::size_t votes() const { return votes_; }
  std::int64_t next_id() const { return last_id_ + 1; }
  std::size_t open_of(const std::string& author) const;

  nlohmann::json snapshot() const;
  void restore(const nlohmann::json& j);

 private:
  std::map<std::int64_t, qna_question> questions_;
  std::int64_t on_screen_ = 0;
  std::int64_t last_id_ = 0;
  std::size_t votes_ = 0;
  bool moderation_ = true;
};

}  // namespace aethex::actors

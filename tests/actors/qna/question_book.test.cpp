// The rules of a webinar's Q&A without actors (actors/qna/question_book.hpp): text rules, the
// limits (5 open per author, 2 000 per webinar), one vote per user, the moderation states, one
// question on screen, sorting, and a snapshot that restores the same book.
#include "actors/qna/question_book.hpp"

#include <doctest/doctest.h>

#include <string>

#include "runtime/errors.hpp"

using namespace aethex;
using namespace aethex::actors;

namespace {

errc text_refusal(std::string_view text) {
  auto clean = clean_question_text(text);
  REQUIRE_FALSE(clean);
  return code_of(clean.error());
}

errc code_or_none(const caf::error& err) { return err ? code_of(err) : errc{}; }

// Asks as `author` after checking the rules, as the entity does.
std::int64_t asked(question_book& book, const std::string& author, std::string status = "approved",
                   std::int64_t at_ms = 1000) {
  REQUIRE_FALSE(book.can_ask(author));
  auto id = book.next_id();
  book.ask(id, author, "question " + std::to_string(id), std::move(status), at_ms);
  return id;
}

bool vote_changes(const question_book& book, const std::string& user, std::int64_t id, bool up) {
  bool changes = false;
  REQUIRE_FALSE(book.can_vote(user, id, up, changes));
  return changes;
}

}  // namespace

TEST_CASE("question text: trimmed, 1-500 code points, no control characters") {
  CHECK(*clean_question_text("  How does it scale?\n ") == "How does it scale?");
  CHECK(*clean_question_text("line one\nline two\twith a tab") == "line one\nline two\twith a tab");
  CHECK(text_refusal("") == errc::invalid_argument);
  CHECK(text_refusal(" \n\t ") == errc::invalid_argument);
  CHECK(clean_question_text(std::string(500, 'x')));
  CHECK(text_refusal(std::string(501, 'x')) == errc::invalid_argument);
  // Lengths count code points: 500 two-byte letters pass.
  std::string umlauts;
  for (int i = 0; i < 500; ++i)
    umlauts += "\xC3\xA4";
  CHECK(clean_question_text(umlauts));
  CHECK(text_refusal("bell\x07") == errc::invalid_argument);
  CHECK(text_refusal("esc\x1B[2J") == errc::invalid_argument);
  CHECK(text_refusal("del\x7F") == errc::invalid_argument);
}

TEST_CASE("five open questions per author, 2000 per webinar") {
  question_book book;
  for (int i = 0; i < 5; ++i)
    asked(book, "ann", i % 2 ? "pending" : "approved");
  CHECK(code_or_none(book.can_ask("ann")) == errc::conflict);
  CHECK_FALSE(book.can_ask("bob"));
  // An answered or hidden question is no longer open: ann may ask again.
  book.moderate(1, "answered", 2000);
  CHECK_FALSE(book.can_ask("ann"));
  asked(book, "ann");
  CHECK(code_or_none(book.can_ask("ann")) == errc::conflict);
  book.moderate(2, "hide", 2000);
  CHECK_FALSE(book.can_ask("ann"));

  question_book full;
  for (std::size_t i = 0; i < qna_limits::questions_max; ++i)
    full.ask(full.next_id(), "user" + std::to_string(i), "q", "approved", 1);
  CHECK(full.all().size() == 2000);
  CHECK(code_or_none(full.can_ask("newcomer")) == errc::conflict);
}

TEST_CASE("one vote per user; only approved questions take votes; pending ones stay private") {
  question_book book;
  auto open = asked(book, "ann");
  auto pending = asked(book, "ann", "pending");
  CHECK(vote_changes(book, "bob", open, true));
  book.vote(open, "bob", true);
  // The same vote again changes nothing, and the count stays 1.
  CHECK_FALSE(vote_changes(book, "bob", open, true));
  book.vote(open, "bob", true);
  CHECK(book.find(open)->voters.size() == 1);
  CHECK(question_json(*book.find(open), "bob")["voted"] == true);
  CHECK(question_json(*book.find(open), "cid")["voted"] == false);
  CHECK(question_json(*book.find(open))["votes"] == 1);
  book.vote(open, "cid", true);
  CHECK(book.votes() == 2);
  CHECK(vote_changes(book, "bob", open, false));
  book.vote(open, "bob", false);
  CHECK_FALSE(vote_changes(book, "bob", open, false));
  CHECK(book.find(open)->voters.size() == 1);

  bool changes = true;
  // Another viewer cannot even see a pending question; its author is told it takes no votes.
  CHECK(code_or_none(book.can_vote("bob", pending, true, changes)) == errc::not_found);
  CHECK(code_or_none(book.can_vote("ann", pending, true, changes)) == errc::conflict);
  CHECK(code_or_none(book.can_vote("bob", 99, true, changes)) == errc::not_found);
  book.moderate(open, "answered", 5000);
  CHECK(code_or_none(book.can_vote("dan", open, true, changes)) == errc::conflict);
}

TEST_CASE("moderation: pending -> approved | hidden -> answered, with the answer's time") {
  question_book book;
  CHECK(book.moderation());
  auto q = asked(book, "ann", "pending");
  bool changes = false;
  CHECK(code_or_none(book.can_moderate(q, "answered", changes)) == errc::conflict);
  CHECK(code_or_none(book.can_moderate(q, "on_screen", changes)) == errc::conflict);
  CHECK(code_or_none(book.can_moderate(q, "delete", changes)) == errc::invalid_argument);
  CHECK(code_or_none(book.can_moderate(42, "approve", changes)) == errc::not_found);
  CHECK(book.pending() == 1);
  REQUIRE_FALSE(book.can_moderate(q, "approve", changes));
  CHECK(changes);
  book.moderate(q, "approve", 2000);
  CHECK(book.find(q)->status == "approved");
  CHECK(book.pending() == 0);
  REQUIRE_FALSE(book.can_moderate(q, "approve", changes));
  CHECK_FALSE(changes);
  book.moderate(q, "answered", 7000);
  CHECK(book.find(q)->status == "answered");
  CHECK(book.find(q)->answered_at_ms == 7000);
  CHECK(question_json(*book.find(q))["answered_at_ms"] == 7000);
  CHECK(code_or_none(book.can_moderate(q, "approve", changes)) == errc::conflict);
  // Hidden from any state; approving brings it back.
  book.moderate(q, "hide", 8000);
  CHECK_FALSE(book.find(q)->visible());
  REQUIRE_FALSE(book.can_moderate(q, "approve", changes));
  CHECK(changes);
}

TEST_CASE("at most one question on screen; hiding takes it off") {
  question_book book;
  auto a = asked(book, "ann");
  auto b = asked(book, "bob");
  book.moderate(a, "on_screen", 1);
  CHECK(book.on_screen()->id == a);
  book.moderate(b, "on_screen", 2);
  CHECK(book.on_screen()->id == b);
  CHECK_FALSE(book.find(a)->on_screen);
  bool changes = true;
  REQUIRE_FALSE(book.can_moderate(b, "on_screen", changes));
  CHECK_FALSE(changes);
  // Answered questions stay on screen until taken off (the presenter is still on it).
  book.moderate(b, "answered", 3);
  CHECK(book.on_screen()->id == b);
  book.moderate(b, "hide", 4);
  CHECK(book.on_screen() == nullptr);
  CHECK_FALSE(book.find(b)->on_screen);
  book.moderate(a, "on_screen", 5);
  book.moderate(a, "off_screen", 6);
  CHECK(book.on_screen() == nullptr);
  int shown = 0;
  for (const auto& [id, q] : book.all())
    shown += q.on_screen ? 1 : 0;
  CHECK(shown == 0);
}

TEST_CASE("sorted by votes (ties: oldest first) or by time (newest first)") {
  question_book book;
  auto a = asked(book, "ann", "approved", 100);
  auto b = asked(book, "bob", "approved", 200);
  auto c = asked(book, "cid", "approved", 300);
  book.vote(b, "x", true);
  book.vote(b, "y", true);
  book.vote(c, "x", true);
  std::vector<const qna_question*> all;
  for (const auto& [id, q] : book.all())
    all.push_back(&q);
  auto ids = [](const std::vector<const qna_question*>& list) {
    std::vector<std::int64_t> out;
    out.reserve(list.size());
    for (const auto* q : list)
      out.push_back(q->id);
    return out;
  };
  CHECK(ids(sorted_questions(all, "votes")) == std::vector<std::int64_t>{b, c, a});
  CHECK(ids(sorted_questions(all, "time")) == std::vector<std::int64_t>{c, b, a});
  book.vote(a, "x", true);
  CHECK(ids(sorted_questions(all, "votes")) == std::vector<std::int64_t>{b, a, c});
}

TEST_CASE("a snapshot restores the same questions, votes, screen and setting") {
  question_book book;
  auto a = asked(book, "ann", "approved", 100);
  auto b = asked(book, "bob", "pending", 200);
  book.vote(a, "bob", true);
  book.vote(a, "cid", true);
  book.moderate(a, "on_screen", 300);
  book.moderate(a, "answered", 400);
  book.set_moderation(false);
  question_book copy;
  copy.restore(book.snapshot());
  CHECK(copy.snapshot() == book.snapshot());
  CHECK(copy.votes() == 2);
  CHECK(copy.on_screen()->id == a);
  CHECK(copy.find(b)->status == "pending");
  CHECK_FALSE(copy.moderation());
  CHECK(copy.next_id() == 3);
  CHECK(question_json(*copy.find(a), "cid") == question_json(*book.find(a), "cid"));
}

#include "actors/qna/question_book.hpp"

#include <algorithm>

#include "actors/core/text.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

using json = nlohmann::json;

json question_json(const qna_question& q, std::string_view caller) {
  return json{{"id", q.id},
              {"author", q.author},
              {"text", q.text},
              {"votes", q.voters.size()},
              {"voted", !caller.empty() && q.voters.count(caller) > 0},
              {"status", q.status},
              {"on_screen", q.on_screen},
              {"asked_at_ms", q.asked_at_ms},
              {"answered_at_ms", q.answered_at_ms ? json(q.answered_at_ms) : json(nullptr)}};
}

caf::expected<std::string> clean_question_text(std::string_view text) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && space(text.back()))
    text.remove_suffix(1);
  if (text.empty())
    return make_error(errc::invalid_argument, "a question needs text");
  if (utf8_length(text) > qna_limits::text_max)
    return make_error(errc::invalid_argument, "a question has at most 500 characters");
  // As chat: no control characters (they reorder or hide text on screen); a question may keep
  // its line breaks and tabs.
  for (unsigned char c : text)
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
      return make_error(errc::invalid_argument, "a question may not hold control characters");
  return std::string{text};
}

bool valid_qna_action(std::string_view action) {
  return action == "approve" || action == "hide" || action == "on_screen" ||
         action == "off_screen" || action == "answered";
}

std::vector<const qna_question*> sorted_questions(std::vector<const qna_question*> list,
                                                  std::string_view sort) {
  if (sort == "time")
    std::sort(list.begin(), list.end(), [](const qna_question* a, const qna_question* b) {
      return a->asked_at_ms != b->asked_at_ms ? a->asked_at_ms > b->asked_at_ms : a->id > b->id;
    });
  else
    std::stable_sort(list.begin(), list.end(), [](const qna_question* a, const qna_question* b) {
      if (a->voters.size() != b->voters.size())
        return a->voters.size() > b->voters.size();
      return a->id < b->id;
    });
  return list;
}

std::size_t question_book::open_of(const std::string& author) const {
  return static_cast<std::size_t>(
    std::count_if(questions_.begin(), questions_.end(),
                  [&](const auto& kv) { return kv.second.author == author && kv.second.open(); }));
}

std::size_t question_book::pending() const {
  return static_cast<std::size_t>(std::count_if(questions_.begin(), questions_.end(),
                                                [](const auto& kv) {
                                                  return kv.second.status == "pending";
                                                }));
}

caf::error question_book::can_ask(const std::string& author) const {
  if (questions_.size() >= qna_limits::questions_max)
    return make_error(errc::conflict, "this webinar has taken its 2000 questions");
  if (open_of(author) >= qna_limits::open_per_author)
    return make_error(errc::conflict,
                      "you have 5 open questions; wait until one is answered to ask more");
  return caf::none;
}

const qna_question* question_book::find(std::int64_t id) const {
  auto it = questions_.find(id);
  return it == questions_.end() ? nullptr : &it->second;
}

caf::error question_book::can_vote(const std::string& user, std::int64_t id, bool up,
                                   bool& changes) const {
  changes = false;
  const auto* q = find(id);
  if (!q || (!q->visible() && q->author != user))
    return make_error(errc::not_found, "no such question");
  bool voted = q->voters.count(user) > 0;
  if (up == voted)
    return caf::none;  // one vote per user: casting it again changes nothing
  if (up && q->status != "approved")
    return make_error(errc::conflict, "only open questions take votes");
  if (up && votes_ >= qna_limits::votes_max)
    return make_error(errc::unavailable, "this webinar's Q&A takes no more votes");
  changes = true;
  return caf::none;
}

caf::error question_book::can_moderate(std::int64_t id, std::string_view action,
                                       bool& changes) const {
  changes = false;
  if (!valid_qna_action(action))
    return make_error(errc::invalid_argument,
                      "action must be approve, hide, on_screen, off_screen or answered");
  const auto* q = find(id);
  if (!q)
    return make_error(errc::not_found, "no such question");
  const auto& s = q->status;
  if (action == "approve") {
    if (s == "answered")
      return make_error(errc::conflict, "the question was answered already");
    changes = s != "approved";
  } else if (action == "hide") {
    changes = s != "hidden";
  } else if (action == "on_screen") {
    if (!q->visible())
      return make_error(errc::conflict, "only approved or answered questions go on screen");
    changes = !q->on_screen;
  } else if (action == "off_screen") {
    changes = q->on_screen;
  } else {  // answered
    if (s == "pending" || s == "hidden")
      return make_error(errc::conflict, "approve the question before marking it answered");
    changes = s != "answered";
  }
  return caf::none;
}

void question_book::ask(std::int64_t id, std::string author, std::string text, std::string status,
                        std::int64_t at_ms) {
  qna_question q;
  q.id = id;
  q.author = std::move(author);
  q.text = std::move(text);
  q.status = std::move(status);
  q.asked_at_ms = at_ms;
  questions_[id] = std::move(q);
  last_id_ = std::max(last_id_, id);
}

void question_book::vote(std::int64_t id, const std::string& user, bool up) {
  auto it = questions_.find(id);
  if (it == questions_.end())
    return;
  auto& voters = it->second.voters;
  if (up && voters.insert(user).second)
    ++votes_;
  else if (!up && voters.erase(user) > 0)
    --votes_;
}

void question_book::moderate(std::int64_t id, std::string_view action, std::int64_t at_ms) {
  auto it = questions_.find(id);
  if (it == questions_.end())
    return;
  auto& q = it->second;
  auto leave_screen = [&] {
    q.on_screen = false;
    if (on_screen_ == id)
      on_screen_ = 0;
  };
  if (action == "approve") {
    q.status = "approved";
  } else if (action == "hide") {
    q.status = "hidden";
    leave_screen();
  } else if (action == "on_screen") {
    // At most one at a time: the one there leaves the screen.
    if (auto old = questions_.find(on_screen_); old != questions_.end())
      old->second.on_screen = false;
    q.on_screen = true;
    on_screen_ = id;
  } else if (action == "off_screen") {
    leave_screen();
  } else if (action == "answered") {
    q.status = "answered";
    q.answered_at_ms = at_ms;
  }
}

json question_book::snapshot() const {
  auto list = json::array();
  for (const auto& [id, q] : questions_)
    list.push_back(json{{"id", id},
                        {"author", q.author},
                        {"text", q.text},
                        {"status", q.status},
                        {"on_screen", q.on_screen},
                        {"asked_at_ms", q.asked_at_ms},
                        {"answered_at_ms", q.answered_at_ms},
                        {"voters", q.voters}});
  return json{{"questions", std::move(list)},
              {"on_screen", on_screen_},
              {"last_id", last_id_},
              {"moderation", moderation_}};
}

void question_book::restore(const json& j) {
  *this = question_book{};
  for (const auto& item : j.at("questions")) {
    qna_question q;
    q.id = item.at("id").get<std::int64_t>();
    q.author = item.at("author").get<std::string>();
    q.text = item.at("text").get<std::string>();
    q.status = item.at("status").get<std::string>();
    q.on_screen = item.value("on_screen", false);
    q.asked_at_ms = item.value("asked_at_ms", std::int64_t{0});
    q.answered_at_ms = item.value("answered_at_ms", std::int64_t{0});
    for (const auto& v : item.value("voters", json::array()))
      q.voters.insert(v.get<std::string>());
    votes_ += q.voters.size();
    questions_[q.id] = std::move(q);
  }
  on_screen_ = j.value("on_screen", std::int64_t{0});
  last_id_ = j.value("last_id", std::int64_t{0});
  moderation_ = j.value("moderation", true);
}

}  // namespace aethex::actors

#include "actors/courses/course_book.hpp"

#include <algorithm>

#include "actors/courses/courses.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

bool course_has(const std::vector<std::string>& list, const std::string& user) {
  return std::find(list.begin(), list.end(), user) != list.end();
}

json course_lesson_json(const course_lesson& l, const std::optional<time_zone>& zone) {
  json j = {{"id", l.id}, {"title", l.title}, {"kind", l.kind}};
  if (l.kind == "live") {
    j["starts_at_ms"] = l.starts_at_ms;
    j["ends_at_ms"] = l.ends_at_ms();
    j["starts_local"] = local_time_text(l.starts_at_ms, zone ? zone->offset_s(l.starts_at_ms) : 0);
    j["duration_min"] = l.duration_min;
    j["min_attendance_pct"] = l.min_attendance_pct;
    j["vod"] = nullptr;
  } else {
    j["starts_at_ms"] = nullptr;
    j["duration_min"] = nullptr;
    j["vod"] = l.vod;
    j["min_attendance_pct"] = nullptr;
  }
  return j;
}

course_lesson course_lesson_from(const json& j) {
  course_lesson l;
  l.id = j.at("id").get<std::string>();
  l.title = j.value("title", "");
  l.kind = j.value("kind", "live");
  if (l.kind == "live") {
    l.starts_at_ms = j.value("starts_at_ms", std::int64_t{0});
    l.duration_min = j.value("duration_min", std::int64_t{0});
    l.min_attendance_pct = j.value("min_attendance_pct", course_limits::default_min_attendance_pct);
  } else {
    l.vod = j.value("vod", "");
  }
  return l;
}

caf::error course_no(std::string text) { return make_error(errc::forbidden, std::move(text)); }

}  // namespace

bool course_book::is_instructor(const std::string& user) const {
  return course_has(instructors_, user);
}
bool course_book::is_assistant(const std::string& user) const {
  return course_has(assistants_, user);
}
bool course_book::can_teach(const course_caller& who) const {
  return who.manager || is_instructor(who.user);
}
bool course_book::can_assist(const course_caller& who) const {
  return can_teach(who) || is_assistant(who.user);
}

void course_book::create(const json& body, std::int64_t at_ms) {
  alive_ = true;
  channel_ = body.value("channel", "");
  org_ = body.value("org", "");
  created_by_ = body.value("by", "");
  created_at_ms_ = at_ms;
  update(body);
}

void course_book::update(const json& body) {
  if (body.contains("title"))
    title_ = body["title"].get<std::string>();
  if (body.contains("description"))
    description_ = body["description"].get<std::string>();
  if (body.contains("timezone"))
    timezone_ = body["timezone"].get<std::string>();
  if (body.contains("enrolment"))
    enrolment_ = body["enrolment"].get<std::string>();
  if (body.contains("completion")) {
    rule_attendance_pct_ = body["completion"].value("attendance_pct", 75);
    rule_all_modules_ = body["completion"].value("all_modules", true);
  }
  if (body.contains("instructors"))
    instructors_ = body["instructors"].get<std::vector<std::string>>();
  if (body.contains("assistants"))
    assistants_ = body["assistants"].get<std::vector<std::string>>();
}

std::string course_book::next_id(char prefix) {
  return std::string(1, prefix) + std::to_string(next_id_);
}

void course_book::add_module(const std::string& id, const std::string& title) {
  modules_.push_back(course_module{id, title, {}});
  ++next_id_;
}

void course_book::rename_module(const std::string& id, const std::string& title) {
  for (auto& m : modules_)
    if (m.id == id)
      m.title = title;
}

void course_book::remove_module(const std::string& id) {
  std::erase_if(modules_, [&](const course_module& m) { return m.id == id; });
}

void course_book::put_lesson(const std::string& module, const course_lesson& lesson) {
  for (auto& m : modules_)
    for (auto& l : m.lessons)
      if (l.id == lesson.id) {
        l = lesson;
        return;
      }
  for (auto& m : modules_)
    if (m.id == module) {
      m.lessons.push_back(lesson);
      ++next_id_;
    }
}

void course_book::remove_lesson(const std::string& id) {
  for (auto& m : modules_)
    std::erase_if(m.lessons, [&](const course_lesson& l) { return l.id == id; });
  for (auto& [user, lessons] : presence_)
    lessons.erase(id);
}

void course_book::enrol(const std::string& user, std::int64_t at_ms) {
  requests_.erase(user);
  invitations_.erase(user);
  students_.emplace(user, at_ms);
}
void course_book::request(const std::string& user, std::int64_t at_ms) {
  requests_.emplace(user, at_ms);
}
void course_book::invite(const std::string& user, std::int64_t at_ms) {
  invitations_.emplace(user, at_ms);
}
void course_book::drop_pending(const std::string& user) {
  requests_.erase(user);
  invitations_.erase(user);
}
void course_book::leave(const std::string& user) {
  students_.erase(user);
  completed_.erase(user);
}

caf::expected<std::string> course_book::enrolment_step(const course_caller& who,
                                                       std::string_view op,
                                                       const std::string& user) const {
  bool self = who.user == user;
  if (op == "status")
    return std::string{};  // only where the user stands (course_status)
  if (op == "enrol") {
    if (!self)
      return course_no("only the user enrols themself");
    if (is_student(user))
      return std::string{};
    if (invitations_.contains(user))
      return std::string{"enrolled"};  // accepting an invitation, whatever the mode
    if (students_.size() >= course_limits::students_max)
      return make_error(errc::conflict, "the course is full (10000 students)");
    if (enrolment_ == "open")
      return std::string{"enrolled"};
    if (enrolment_ == "invite")
      return course_no("this course is by invitation only");
    if (requests_.contains(user))
      return std::string{};
    if (requests_.size() >= course_limits::pending_max)
      return make_error(errc::conflict, "too many open enrolment requests");
    return std::string{"requested"};
  }
  if (op == "leave") {
    if (!self)
      return course_no("only the user leaves");
    if (is_student(user))
      return std::string{"left"};
    if (requests_.contains(user) || invitations_.contains(user))
      return std::string{"declined"};  // withdraws a request, declines an invitation
    return make_error(errc::not_found, "not enrolled");
  }
  if (op == "approve" || op == "decline") {
    if (!can_assist(who))
      return course_no("only the course's managers, instructors and assistants may do this");
    if (!requests_.contains(user))
      return make_error(errc::not_found, "no enrolment request from '" + user + "'");
    if (op == "decline")
      return std::string{"declined"};
    if (students_.size() >= course_limits::students_max)
      return make_error(errc::conflict, "the course is full (10000 students)");
    return std::string{"enrolled"};
  }
  if (op == "invite") {
    if (!can_teach(who))
      return course_no("only the course's managers and instructors may invite");
    if (is_student(user) || invitations_.contains(user))
      return std::string{};
    if (invitations_.size() >= course_limits::pending_max)
      return make_error(errc::conflict, "too many open invitations");
    return std::string{"invited"};
  }
  if (op == "remove") {
    if (!can_teach(who))
      return course_no("only the course's managers and instructors may remove students");
    if (is_student(user))
      return std::string{"left"};
    if (invitations_.contains(user) || requests_.contains(user))
      return std::string{"declined"};
    return make_error(errc::not_found, "'" + user + "' is not a student");
  }
  return make_error(errc::invalid_argument, "unknown enrolment step");
}

const course_lesson* course_book::lesson(const std::string& id, std::string* module) const {
  for (const auto& m : modules_)
    for (const auto& l : m.lessons)
      if (l.id == id) {
        if (module)
          *module = m.id;
        return &l;
      }
  return nullptr;
}

std::size_t course_book::lesson_count() const {
  std::size_t n = 0;
  for (const auto& m : modules_)
    n += m.lessons.size();
  return n;
}

std::optional<course_span> course_book::clip(const std::string& id, course_span span) const {
  const auto* l = lesson(id);
  if (!l || l->kind != "live")
    return std::nullopt;
  course_span out{std::max(span.from_ms, l->starts_at_ms), std::min(span.to_ms, l->ends_at_ms())};
  if (out.to_ms <= out.from_ms)
    return std::nullopt;
  return out;
}

void course_book::attend(const std::string& user, const std::string& lesson, course_span span) {
  auto& list = presence_[user][lesson];
  list.push_back(span);
  std::sort(list.begin(), list.end(),
            [](const course_span& a, const course_span& b) { return a.from_ms < b.from_ms; });
  std::vector<course_span> merged;
  for (const auto& s : list) {
    if (!merged.empty() && s.from_ms <= merged.back().to_ms)
      merged.back().to_ms = std::max(merged.back().to_ms, s.to_ms);
    else
      merged.push_back(s);
  }
  // Bounded: the two spans with the shortest gap between them become one (the gap is then
  // counted as present, at most intervals_max - 1 short gaps in a lesson).
  while (merged.size() > course_limits::intervals_max) {
    std::size_t best = 0;
    for (std::size_t i = 1; i + 1 < merged.size(); ++i)
      if (merged[i + 1].from_ms - merged[i].to_ms < merged[best + 1].from_ms - merged[best].to_ms)
        best = i;
    merged[best].to_ms = merged[best + 1].to_ms;
    merged.erase(merged.begin() + static_cast<std::ptrdiff_t>(best) + 1);
  }
  list = std::move(merged);
}

void course_book::watched(const std::string& user, const std::string& lesson, int pct) {
  auto& stored = watched_[user][lesson];
  stored = std::max(stored, pct);
}

void course_book::complete(const std::string& user, std::int64_t at_ms) {
  completed_.emplace(user, at_ms);
}

const std::vector<course_span>* course_book::spans(const std::string& user,
                                                   const std::string& lesson) const {
  auto u = presence_.find(user);
  if (u == presence_.end())
    return nullptr;
  auto l = u->second.find(lesson);
  return l == u->second.end() ? nullptr : &l->second;
}

lesson_progress course_book::progress_of(const std::string& user,
                                         const course_lesson& lesson) const {
  lesson_progress p;
  if (lesson.kind == "live") {
    std::int64_t present = 0;
    if (const auto* list = spans(user, lesson.id))
      for (const auto& s : *list)
        present += s.to_ms - s.from_ms;
    auto window = std::max<std::int64_t>(1, lesson.ends_at_ms() - lesson.starts_at_ms);
    p.present_pct = static_cast<int>(std::min<std::int64_t>(100, present * 100 / window));
    p.attended = present * 100 >= std::int64_t{lesson.min_attendance_pct} * window;
  } else {
    auto u = watched_.find(user);
    if (u != watched_.end())
      if (auto l = u->second.find(lesson.id); l != u->second.end())
        p.present_pct = l->second;
    p.attended = p.present_pct >= course_limits::recording_watched_pct;
  }
  return p;
}

json course_book::progress_json(const std::string& user) const {
  auto lessons = json::array();
  std::size_t attended = 0, total = 0, modules_done = 0, modules_total = 0;
  for (const auto& m : modules_) {
    if (m.lessons.empty())
      continue;  // a module without lessons has nothing to complete
    ++modules_total;
    bool all = true;
    for (const auto& l : m.lessons) {
      auto p = progress_of(user, l);
      ++total;
      attended += p.attended ? 1 : 0;
      all = all && p.attended;
      lessons.push_back(json{{"id", l.id},
                             {"module", m.id},
                             {"kind", l.kind},
                             {"attended", p.attended},
                             {"present_pct", p.present_pct}});
    }
    modules_done += all ? 1 : 0;
  }
  auto done = completed_.find(user);
  return json{
    {"course", id},
    {"title", title_},
    {"user", user},
    {"enrolled", is_student(user)},
    {"lessons", lessons},
    {"attendance_pct", total ? static_cast<int>(attended * 100 / total) : 0},
    {"modules_completed", modules_done},
    {"modules_total", modules_total},
    {"completion", {{"attendance_pct", rule_attendance_pct_}, {"all_modules", rule_all_modules_}}},
    {"completed_at_ms", done == completed_.end() ? json(nullptr) : json(done->second)}};
}

bool course_book::newly_complete(const std::string& user) const {
  if (!is_student(user) || completed_.contains(user))
    return false;
  auto p = progress_json(user);
  if (p["lessons"].empty())
    return false;
  return p["attendance_pct"].get<int>() >= rule_attendance_pct_ &&
         (!rule_all_modules_ || p["modules_completed"] == p["modules_total"]);
}

json course_book::report_rows() const {
  auto rows = json::array();
  for (const auto& [user, since] : students_)
    for (const auto& m : modules_)
      for (const auto& l : m.lessons) {
        auto p = progress_of(user, l);
        const auto* list = spans(user, l.id);
        rows.push_back(json{
          {"user", user},
          {"module", m.id},
          {"lesson", l.id},
          {"title", l.title},
          {"kind", l.kind},
          {"present_pct", p.present_pct},
          {"attended", p.attended},
          {"joined_ms", list && !list->empty() ? json(list->front().from_ms) : json(nullptr)},
          {"left_ms", list && !list->empty() ? json(list->back().to_ms) : json(nullptr)},
          {"sessions", list ? list->size() : 0}});
      }
  return rows;
}

json course_book::due_reminders(std::int64_t now_ms) const {
  auto due = json::array();
  for (const auto& m : modules_)
    for (const auto& l : m.lessons) {
      if (l.kind != "live" || now_ms >= l.starts_at_ms)
        continue;
      const char* which = nullptr;
      if (now_ms >= l.starts_at_ms - 15 * 60'000)
        which = "15m";
      else if (now_ms >= l.starts_at_ms - 24 * 3'600'000)
        which = "24h";
      if (!which)
        continue;
      auto rid = "course:" + id + ":" + l.id + ":" + std::to_string(l.starts_at_ms) + ":" + which;
      if (reminded_.contains(rid))
        continue;
      due.push_back(json{{"id", rid},
                         {"lesson", l.id},
                         {"reminder", which},
                         {"starts_at_ms", l.starts_at_ms},
                         {"title", l.title}});
    }
  return due;
}

json course_book::to_json() const {
  auto zone = time_zone::load(timezone_);
  auto modules = json::array();
  for (const auto& m : modules_) {
    auto lessons = json::array();
    for (const auto& l : m.lessons)
      lessons.push_back(course_lesson_json(l, zone));
    modules.push_back(json{{"id", m.id}, {"title", m.title}, {"lessons", lessons}});
  }
  return json{
    {"id", id},
    {"title", title_},
    {"description", description_},
    {"channel", channel_},
    {"org", org_.empty() ? json(nullptr) : json(org_)},
    {"timezone", timezone_},
    {"enrolment", enrolment_},
    {"instructors", instructors_},
    {"assistants", assistants_},
    {"modules", modules},
    {"completion", {{"attendance_pct", rule_attendance_pct_}, {"all_modules", rule_all_modules_}}},
    {"students", students_.size()},
    {"created_at_ms", created_at_ms_},
    {"created_by", created_by_}};
}

json course_book::people_json() const {
  auto list = [](const auto& map, const char* at) {
    auto out = json::array();
    for (const auto& [user, ms] : map)
      out.push_back(json{{"user", user}, {at, ms}});
    return out;
  };
  auto students = list(students_, "enrolled_at_ms");
  for (auto& s : students) {
    auto done = completed_.find(s["user"].get<std::string>());
    s["completed_at_ms"] = done == completed_.end() ? json(nullptr) : json(done->second);
  }
  return json{{"students", students},
              {"requests", list(requests_, "requested_at_ms")},
              {"invitations", list(invitations_, "invited_at_ms")}};
}

json course_book::index_json() const {
  auto lessons = json::array();
  for (const auto& m : modules_)
    for (const auto& l : m.lessons)
      if (l.kind == "live")
        lessons.push_back(json{{"lesson", l.id},
                               {"title", l.title},
                               {"starts_at_ms", l.starts_at_ms},
                               {"ends_at_ms", l.ends_at_ms()}});
  return json{{"title", title_},         {"channel", channel_},   {"org", org_},
              {"enrolment", enrolment_}, {"timezone", timezone_}, {"lessons", lessons}};
}

json course_book::snapshot() const {
  auto presence = json::object();
  for (const auto& [user, lessons] : presence_)
    for (const auto& [lesson, list] : lessons) {
      auto spans = json::array();
      for (const auto& s : list)
        spans.push_back(json::array({s.from_ms, s.to_ms}));
      presence[user][lesson] = spans;
    }
  auto j = to_json();
  j["alive"] = alive_;
  j["org"] = org_;
  j["next_id"] = next_id_;
  j["students"] = students_;
  j["requests"] = requests_;
  j["invitations"] = invitations_;
  j["completed"] = completed_;
  j["presence"] = presence;
  j["watched"] = watched_;
  j["reminded"] = reminded_;
  return j;
}

void course_book::restore(const json& j) {
  alive_ = j.value("alive", false);
  id = j.value("id", "");
  channel_ = j.value("channel", "");
  org_ = j.value("org", "");
  created_by_ = j.value("created_by", "");
  created_at_ms_ = j.value("created_at_ms", std::int64_t{0});
  update(j);
  modules_.clear();
  for (const auto& m : j.at("modules")) {
    course_module mod{m.at("id").get<std::string>(), m.value("title", ""), {}};
    for (const auto& l : m.at("lessons"))
      mod.lessons.push_back(course_lesson_from(l));
    modules_.push_back(std::move(mod));
  }
  next_id_ = j.value("next_id", std::int64_t{1});
  students_ = j.at("students").get<std::map<std::string, std::int64_t, std::less<>>>();
  requests_ = j.at("requests").get<std::map<std::string, std::int64_t, std::less<>>>();
  invitations_ = j.at("invitations").get<std::map<std::string, std::int64_t, std::less<>>>();
  completed_ = j.at("completed").get<std::map<std::string, std::int64_t, std::less<>>>();
  presence_.clear();
  for (const auto& [user, lessons] : j.at("presence").items())
    for (const auto& [lesson, list] : lessons.items())
      for (const auto& s : list)
        presence_[user][lesson].push_back(course_span{s.at(0).get<std::int64_t>(),
                                                      s.at(1).get<std::int64_t>()});
  watched_ = j.at("watched")
               .get<std::map<std::string, std::map<std::string, int, std::less<>>, std::less<>>>();
  reminded_ = j.at("reminded").get<std::set<std::string, std::less<>>>();
}

}  // namespace aethex::actors

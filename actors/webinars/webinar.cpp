#include "actors/webinars/webinar.hpp"

#include <algorithm>

#include "actors/core/text.hpp"
#include "actors/webinars/webinars.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

caf::error bad(const std::string& what) { return make_error(errc::invalid_argument, what); }

std::size_t code_points(const std::string& s) { return utf8_length(s); }

std::string trim_copy(std::string s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && blank(s.back()))
    s.pop_back();
  auto first = std::find_if_not(s.begin(), s.end(), blank);
  return std::string(first, s.end());
}

bool user_name_like(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

// An IANA-looking zone name ("Europe/Berlin", "UTC"); the node does not carry the database.
bool zone_like(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
           c == '_' || c == '-' || c == '+';
  });
}

}  // namespace

bool webinar_record::presenter(const std::string& user) const {
  return !user.empty() && std::find(presenters.begin(), presenters.end(), user) != presenters.end();
}

caf::expected<json> apply_webinar_body(const json& body, bool patch, webinar_record& into) {
  static const std::set<std::string> known{
    "title", "description", "starts_at_ms", "duration_min", "timezone", "presenters", "access"};
  for (auto& [key, value] : body.items())
    if (!known.contains(key))
      return bad("unknown field '" + key + "'");
  if (!patch && !body.contains("title"))
    return bad("'title' is required");
  if (!patch && !body.contains("starts_at_ms"))
    return bad("'starts_at_ms' is required");
  auto next = into;
  json accepted = json::object();
  if (auto it = body.find("title"); it != body.end()) {
    if (!it->is_string())
      return bad("'title' must be text");
    auto title = trim_copy(it->get<std::string>());
    if (title.empty() || code_points(title) > webinar_limits::title_max)
      return bad("'title' must be 1-200 characters");
    next.title = accepted["title"] = title;
  }
  if (auto it = body.find("description"); it != body.end()) {
    if (!it->is_string() || code_points(it->get<std::string>()) > webinar_limits::description_max)
      return bad("'description' must be text of at most 5000 characters");
    next.description = accepted["description"] = it->get<std::string>();
  }
  if (auto it = body.find("starts_at_ms"); it != body.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0)
      return bad("'starts_at_ms' must be a time in milliseconds");
    next.starts_at_ms = it->get<std::int64_t>();
    accepted["starts_at_ms"] = next.starts_at_ms;
  }
  if (auto it = body.find("duration_min"); it != body.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 ||
        it->get<std::int64_t>() > webinar_limits::duration_max_min)
      return bad("'duration_min' must be 1-1440");
    next.duration_min = it->get<std::int64_t>();
    accepted["duration_min"] = next.duration_min;
  }
  if (auto it = body.find("timezone"); it != body.end()) {
    if (!it->is_string() || !zone_like(it->get<std::string>()))
      return bad("'timezone' must be an IANA time zone name");
    next.timezone = accepted["timezone"] = it->get<std::string>();
  }
  if (auto it = body.find("presenters"); it != body.end()) {
    if (!it->is_array() || it->size() > webinar_limits::presenters_max)
      return bad("'presenters' must be a list of at most 20 user names");
    std::vector<std::string> names;
    for (auto& p : *it) {
      if (!p.is_string() || !user_name_like(p.get<std::string>()))
        return bad("'presenters' must be user names");
      auto name = ascii_lower(p.get<std::string>());
      if (std::find(names.begin(), names.end(), name) == names.end())
        names.push_back(name);
    }
    next.presenters = names;
    accepted["presenters"] = names;
  }
  if (auto it = body.find("access"); it != body.end()) {
    if (!it->is_string() || (*it != "public" && *it != "registered"))
      return bad("'access' must be \"public\" or \"registered\"");
    next.access = accepted["access"] = it->get<std::string>();
  }
  into = std::move(next);
  return accepted;
}

json webinar_json(const webinar_record& w, std::int64_t now_ms) {
  json slides = nullptr;
  if (w.slides)
    slides = json{{"pages", w.slides->pages},
                  {"current", w.slides->current},
                  {"upload", w.slides->upload},
                  {"rendering", w.slides->rendering},
                  {"rendered", w.slides->rendered},
                  // The member holding the page files: the slide route fetches them from it.
                  {"node", w.slides->node},
                  {"error", w.slides->error.empty() ? json(nullptr) : json(w.slides->error)}};
  return json{{"id", w.id},
              {"channel", w.channel},
              {"title", w.title},
              {"description", w.description},
              {"starts_at_ms", w.starts_at_ms},
              {"duration_min", w.duration_min},
              {"timezone", w.timezone},
              {"presenters", w.presenters},
              {"access", w.access},
              {"registrations", w.registered.size()},
              {"slides", slides},
              {"live", now_ms >= w.starts_at_ms && now_ms < w.ends_at_ms()}};
}

webinar_access access_of(const webinar_record& w, const std::string& user, bool signed_in,
                         bool admin, const std::string& role, bool org_manager) {
  webinar_access a;
  a.registered = signed_in && w.registered.contains(user);
  a.manage = admin || org_manager || role == "broadcaster" || role == "editor";
  if (a.manage || w.presenter(user)) {
    a.watch = a.ask = a.moderate = a.present = true;
    return a;
  }
  a.moderate = role == "moderator";
  if (w.access == "public") {
    a.watch = true;
    a.ask = signed_in;
  } else {
    a.watch = a.ask = a.registered;
  }
  if (a.moderate)
    a.watch = a.ask = true;
  return a;
}

json webinar_snapshot(const webinar_record& w) {
  json j{{"id", w.id},
         {"channel", w.channel},
         {"title", w.title},
         {"description", w.description},
         {"starts_at_ms", w.starts_at_ms},
         {"duration_min", w.duration_min},
         {"timezone", w.timezone},
         {"presenters", w.presenters},
         {"access", w.access},
         {"registered", w.registered},
         {"deleted", w.deleted}};
  if (w.slides)
    j["slides"] = json{{"upload", w.slides->upload},   {"pages", w.slides->pages},
                       {"current", w.slides->current}, {"rendering", w.slides->rendering},
                       {"error", w.slides->error},     {"node", w.slides->node}};
  return j;
}

webinar_record webinar_from_snapshot(const json& j) {
  webinar_record w;
  w.id = j.value("id", "");
  w.channel = j.value("channel", "");
  w.title = j.value("title", "");
  w.description = j.value("description", "");
  w.starts_at_ms = j.value("starts_at_ms", std::int64_t{0});
  w.duration_min = j.value("duration_min", std::int64_t{60});
  w.timezone = j.value("timezone", "UTC");
  w.presenters = j.value("presenters", std::vector<std::string>{});
  w.access = j.value("access", "public");
  w.registered = j.value("registered", std::set<std::string>{});
  w.deleted = j.value("deleted", false);
  if (auto s = j.find("slides"); s != j.end() && s->is_object()) {
    webinar_slides slides;
    slides.upload = s->value("upload", 0u);
    slides.pages = s->value("pages", 0u);
    slides.rendered = slides.pages;
    slides.current = s->value("current", std::int64_t{1});
    slides.rendering = s->value("rendering", false);
    slides.error = s->value("error", "");
    slides.node = s->value("node", "");
    w.slides = slides;
  }
  return w;
}

}  // namespace aethex::actors

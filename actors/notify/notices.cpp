#include "actors/notify/notices.hpp"

#include <algorithm>
#include <stdexcept>

#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view channel_prefix = "channel/";
constexpr std::string_view follows_prefix = "follows/";
constexpr std::string_view chat_prefix = "chat/";
constexpr std::size_t max_limit = 200;
constexpr std::string_view personal_type = "notify.personal";
constexpr std::size_t personal_users_max = 64;  // recipients one personal notice may name

const storage::event_schema_registry& schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (auto* type : {"channel.created", "channel.updated", "channel.went_live", "follow.started",
                       "follow.stopped", "follow.prefs_changed", "chat.announced"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

json parse_object(const storage::recorded_event& e) {
  auto body = json::parse(e.data.payload, nullptr, false);
  if (!body.is_object())
    throw std::runtime_error("notices: malformed payload in " + e.stream + " seq " +
                             std::to_string(e.seq));
  return body;
}

std::string title_of(storage::sqlite::database& db, std::string_view channel) {
  auto row = db.prepare("SELECT title FROM notice_titles WHERE channel = ?1");
  row.bind(1, channel);
  return row.step() ? row.column_text(0) : std::string{};
}

// Text for one line of a mail (a subject or a detail): no line breaks, cut to `max` bytes on
// a character boundary.
std::string one_line(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text.substr(0, max))
    out += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
  auto continuation = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; };
  if (text.size() > max && continuation(text[max])) {  // a character was cut: drop it whole
    while (!out.empty() && continuation(out.back()))
      out.pop_back();
    if (!out.empty())
      out.pop_back();  // its lead byte
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> details_from(const json& rows) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!rows.is_array())
    return out;
  for (const auto& row : rows) {
    if (out.size() >= notice_details_max)
      break;
    if (row.is_array() && row.size() == 2 && row[0].is_string() && row[1].is_string())
      out.emplace_back(one_line(row[0].get<std::string>(), 40),
                       one_line(row[1].get<std::string>(), notice_detail_chars_max));
  }
  return out;
}

json details_json(const std::vector<std::pair<std::string, std::string>>& details) {
  json out = json::array();
  for (const auto& [label, value] : details)
    out.push_back(json::array({label, value}));
  return out;
}

}  // namespace

json to_json(const notice& n) {
  json j{
    {"id", n.id}, {"kind", n.kind}, {"channel", n.channel}, {"title", n.title}, {"at_ms", n.at_ms}};
  if (!n.link.empty())
    j["link"] = n.link;
  if (!n.users.empty())
    j["users"] = n.users;
  if (!n.details.empty())
    j["details"] = details_json(n.details);
  return j;
}

notice notice_from_json(const json& j) {
  return {j.value("id", ""),
          j.value("kind", ""),
          j.value("channel", ""),
          j.value("title", ""),
          j.value("at_ms", std::int64_t{0}),
          j.value("link", ""),
          j.value("users", std::vector<std::string>{}),
          details_from(j.value("details", json::array()))};
}

std::optional<notice_mail> personal_notice_mail(const notice& n, std::string_view email,
                                                std::string_view settings_json,
                                                std::string_view site) {
  auto settings = json::parse(settings_json, nullptr, false);
  auto on = settings.is_object() && settings.value("email_notifications", false) == true;
  if (!on || email.empty() || n.title.empty())
    return std::nullopt;
  auto title = one_line(n.title, 150);
  std::string text = title + "\n\n";
  for (const auto& [label, value] : n.details)
    text += label + ": " + value + "\n";
  // Only a path on this site is linked (a notice's link is written by the node's own entities).
  if (n.link.starts_with("/") && !n.link.starts_with("//"))
    text += "\nOpen: http://" + std::string{site} + n.link + "\n";
  text +=
    "\nYou receive this because e-mail notifications are on in your AeThex LIVE settings. "
    "Turn them off there to get these in your notifications inbox only.\n";
  auto subject = (n.kind == "course_reminder" ? "Reminder: " : "") + title;
  return notice_mail{std::move(subject), std::move(text)};
}

notices_projection::notices_projection(std::function<void(const notice&)> fresh,
                                       std::function<std::int64_t()> now_ms)
    : fresh_(std::move(fresh)), now_ms_(std::move(now_ms)) {}

void notices_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS notices(id TEXT PRIMARY KEY, channel TEXT NOT NULL, "
    "kind TEXT NOT NULL, title TEXT NOT NULL, at_ms INTEGER NOT NULL)");
  db.exec("CREATE INDEX IF NOT EXISTS notices_by_channel ON notices(channel, at_ms)");
  db.exec(
    "CREATE TABLE IF NOT EXISTS personal_notices(user TEXT NOT NULL, id TEXT NOT NULL, "
    "kind TEXT NOT NULL, title TEXT NOT NULL, link TEXT NOT NULL, at_ms INTEGER NOT NULL, "
    "source_kind TEXT NOT NULL, source_id TEXT NOT NULL, PRIMARY KEY(user, id))");
  db.exec("CREATE INDEX IF NOT EXISTS personal_notices_by_user ON personal_notices(user, at_ms)");
  db.exec(
    "CREATE TABLE IF NOT EXISTS notice_titles(channel TEXT PRIMARY KEY, title TEXT NOT NULL)");
  db.exec(
    "CREATE TABLE IF NOT EXISTS follow_prefs(user TEXT NOT NULL, channel TEXT NOT NULL, "
    "notify INTEGER NOT NULL, email INTEGER NOT NULL, PRIMARY KEY(channel, user))");
}

void notices_projection::reset(storage::sqlite::database& db) {
  db.exec("DELETE FROM notices");
  db.exec("DELETE FROM personal_notices");
  db.exec("DELETE FROM notice_titles");
  db.exec("DELETE FROM follow_prefs");
}

void notices_projection::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  if (e.data.type == personal_type)
    return apply_personal(tx.db(), e);
  auto from_channel = e.stream.starts_with(channel_prefix);
  auto from_follows = e.stream.starts_with(follows_prefix);
  auto from_chat = e.stream.starts_with(chat_prefix);
  if (!from_channel && !from_follows && !from_chat)
    return;
  if (auto problem = schemas().check(e))
    throw std::runtime_error(*problem);
  if (!schemas().supported(e.data.type))
    return;  // an event of these streams that notifications do not depend on
  acting_ = acts_on(e);
  auto body = parse_object(e);
  if (from_chat) {
    auto text = body.value("text", std::string{});
    if (!text.empty())  // an empty one clears the pin and tells nobody
      add_notice(tx.db(),
                 {"announcement:" + e.stream.substr(chat_prefix.size()) + ":" +
                    std::to_string(body.value("id", e.seq)),
                  "announcement", e.stream.substr(chat_prefix.size()), text, e.data.timestamp_ms});
    return;
  }
  if (from_channel)
    apply_channel(tx.db(), std::string_view{e.stream}.substr(channel_prefix.size()), e, body);
  else
    apply_follow(tx.db(), std::string_view{e.stream}.substr(follows_prefix.size()), e, body);
}

void notices_projection::apply_channel(storage::sqlite::database& db, std::string_view channel,
                                       const storage::recorded_event& e, const json& body) {
  const auto& type = e.data.type;
  if (type == "channel.created" || type == "channel.updated") {
    if (!body.contains("title") || !body["title"].is_string())
      return;
    db.prepare("INSERT OR REPLACE INTO notice_titles(channel, title) VALUES(?1, ?2)")
      .bind(1, channel)
      .bind(2, body["title"].get<std::string>())
      .run();
    return;
  }
  // channel.went_live: one notice per stream session.
  add_notice(db,
             {"live:" + std::string{channel} + ":" + body.value("session", std::to_string(e.seq)),
              "live", std::string{channel}, title_of(db, channel), e.data.timestamp_ms});
}

void notices_projection::add_notice(storage::sqlite::database& db, const notice& n) {
  auto seen = db.prepare("SELECT 1 FROM notices WHERE id = ?1");
  seen.bind(1, n.id);
  if (seen.step())
    return;
  db.prepare("INSERT INTO notices(id, channel, kind, title, at_ms) VALUES(?1, ?2, ?3, ?4, ?5)")
    .bind(1, n.id)
    .bind(2, n.channel)
    .bind(3, n.kind)
    .bind(4, n.title)
    .bind(5, n.at_ms)
    .run();
  if (fresh_ && acting_ && now_ms_() - n.at_ms < fresh_window_ms)
    fresh_(n);
}

void notices_projection::apply_personal(storage::sqlite::database& db,
                                        const storage::recorded_event& e) {
  if (e.data.schema > 1)
    throw std::runtime_error("notices: event notify.personal schema " +
                             std::to_string(e.data.schema) + " is newer than supported (stream " +
                             e.stream + ")");
  auto body = parse_object(e);
  auto slash = e.stream.find('/');
  notice n{body.value("id", std::string{}),
           body.value("kind", std::string{"personal"}),
           "",
           body.value("title", std::string{}),
           e.data.timestamp_ms,
           body.value("link", std::string{}),
           {},
           details_from(body.value("details", json::array()))};
  if (n.id.empty() || slash == std::string::npos)
    return;
  auto seen = db.prepare("SELECT 1 FROM personal_notices WHERE user = ?1 AND id = ?2");
  auto insert = db.prepare(
    "INSERT INTO personal_notices(user, id, kind, title, link, at_ms, source_kind, "
    "source_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  for (auto& user : body.value("users", json::array())) {
    if (!user.is_string() || n.users.size() >= personal_users_max)
      continue;
    seen.reset();
    seen.bind(1, user.get<std::string>()).bind(2, n.id);
    if (seen.step())
      continue;  // once per user and id, whatever replays
    insert.reset();
    insert.bind(1, user.get<std::string>()).bind(2, n.id).bind(3, n.kind).bind(4, n.title);
    insert.bind(5, n.link).bind(6, n.at_ms).bind(7, e.stream.substr(0, slash));
    insert.bind(8, e.stream.substr(slash + 1));
    insert.run();
    n.users.push_back(user.get<std::string>());
  }
  if (!n.users.empty() && fresh_ && acts_on(e) && now_ms_() - n.at_ms < fresh_window_ms)
    fresh_(n);
}

void notices_projection::apply_follow(storage::sqlite::database& db, std::string_view user,
                                      const storage::recorded_event& e, const json& body) {
  if (!body.contains("channel") || !body["channel"].is_string())
    throw std::runtime_error("notices: malformed payload in " + e.stream + " seq " +
                             std::to_string(e.seq));
  auto channel = body["channel"].get<std::string>();
  bool notify = body.value("notify", true);
  bool email = body.value("email", false);
  // Only choices that differ from the default are kept: most follows have no row.
  if (e.data.type == "follow.prefs_changed" && (!notify || email))
    db.prepare(
        "INSERT OR REPLACE INTO follow_prefs(user, channel, notify, email) VALUES(?1, ?2, ?3, ?4)")
      .bind(1, user)
      .bind(2, channel)
      .bind(3, std::int64_t{notify})
      .bind(4, std::int64_t{email})
      .run();
  else
    db.prepare("DELETE FROM follow_prefs WHERE user = ?1 AND channel = ?2")
      .bind(1, user)
      .bind(2, channel)
      .run();
}

std::optional<std::uint64_t> notices_projection::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare(
    "SELECT (SELECT COUNT(*) FROM notices) + (SELECT COUNT(*) FROM "
    "follow_prefs) + (SELECT COUNT(*) FROM personal_notices)");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

json notices_query(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto limit = std::min<std::size_t>(args.value("limit", std::size_t{50}), max_limit);
  std::vector<notice> found;
  auto rows = db.prepare(
    "SELECT id, kind, title, at_ms FROM notices WHERE channel = ?1 AND at_ms >= ?2 "
    "ORDER BY at_ms DESC LIMIT ?3");
  for (auto& wanted : args.value("channels", json::array())) {
    if (!wanted.is_object())
      continue;
    auto channel = wanted.value("channel", std::string{});
    // Go-lives are channel/<name> events, announcements chat/<name> ones: each kind of row is
    // answered by the member that owns the entity that wrote it.
    bool channel_here = owns("channel", channel), chat_here = owns("chat", channel);
    if (channel.empty() || (!channel_here && !chat_here))
      continue;
    rows.reset();
    rows.bind(1, channel).bind(2, wanted.value("since_ms", std::int64_t{0}));
    rows.bind(3, static_cast<std::int64_t>(limit));
    while (rows.step()) {
      auto kind = rows.column_text(1);
      if (kind == "announcement" ? chat_here : channel_here)
        found.push_back({rows.column_text(0), std::move(kind), channel, rows.column_text(2),
                         rows.column_int64(3)});
    }
  }
  std::sort(found.begin(), found.end(),
            [](const notice& a, const notice& b) { return a.at_ms > b.at_ms; });
  if (found.size() > limit)
    found.resize(limit);
  json out = json::array();
  for (auto& n : found)
    out.push_back(to_json(n));
  return out;
}

json personal_notices_query(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto limit = std::min<std::size_t>(args.value("limit", std::size_t{50}), max_limit);
  auto rows = db.prepare(
    "SELECT id, kind, title, link, at_ms, source_kind, source_id FROM personal_notices "
    "WHERE user = ?1 ORDER BY at_ms DESC LIMIT ?2");
  rows.bind(1, args.value("user", std::string{}));
  rows.bind(2, static_cast<std::int64_t>(limit));
  json out = json::array();
  while (rows.step())
    if (owns(rows.column_text(5), rows.column_text(6)))  // answered where its entity lives
      out.push_back(json{{"id", rows.column_text(0)},
                         {"kind", rows.column_text(1)},
                         {"channel", ""},
                         {"title", rows.column_text(2)},
                         {"link", rows.column_text(3)},
                         {"at_ms", rows.column_int64(4)}});
  return out;
}

json email_followers_query(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto rows = db.prepare(
    "SELECT user FROM follow_prefs WHERE channel = ?1 AND email = 1 AND notify = 1");
  rows.bind(1, args.value("channel", std::string{}));
  json out = json::array();
  while (rows.step()) {
    auto user = rows.column_text(0);
    if (owns("follows", user))
      out.push_back(json{{"user", user}});
  }
  return out;
}

}  // namespace aethex::actors

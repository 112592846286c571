#include "actors/channel/channel_directory.hpp"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "actors/channel/channel_search.hpp"
#include "runtime/placement.hpp"

namespace aethex::actors {
namespace {

std::optional<std::string> text_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string())
    return std::nullopt;
  return it->get<std::string>();
}

channel_directory::channel read_row(const storage::sqlite::statement& q) {
  return {q.column_text(0), q.column_text(1),  q.column_text(2),      q.column_int64(3) != 0,
          q.column_text(4), q.column_int64(5), q.column_int64(6) != 0};
}

constexpr std::string_view select_columns =
  "SELECT name, title, category, live, owner, updated_ms, featured FROM channels ";

// Tags are kept as one space-separated text (the index's only copy of them).
std::optional<std::string> tags_text(const nlohmann::json& j) {
  auto it = j.find("tags");
  if (it == j.end() || !it->is_array())
    return std::nullopt;
  std::string text;
  for (auto& tag : *it)
    if (tag.is_string())
      text += (text.empty() ? "" : " ") + tag.get<std::string>();
  return text;
}

std::vector<std::string> split_tags(const std::string& text) {
  std::vector<std::string> tags;
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find(' ', at);
    if (end == std::string::npos)
      end = text.size();
    if (end > at)
      tags.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return tags;
}

// Typo tolerance by deletion neighbourhoods (the SymSpell idea): every indexed word of
// typo_word_min..typo_word_max bytes is stored under itself and under each of its one-byte
// deletions, so the words one edit away from a query word are found with a few index lookups
// (the query word's own deletions) instead of a scan of the whole vocabulary. Words are only
// ever added: a word no channel uses any more finds no channel, which costs nothing.
void remember_words(storage::sqlite::database& db, std::initializer_list<std::string_view> texts) {
  auto insert = db.prepare("INSERT OR IGNORE INTO word_variants(variant, word) VALUES(?1, ?2)");
  auto add = [&](std::string_view variant, const std::string& word) {
    insert.bind(1, variant).bind(2, word).run();
  };
  for (auto text : texts)
    for (auto& word : search_tokens(text)) {
      if (word.size() < channel_directory::typo_word_min ||
          word.size() > channel_directory::typo_word_max)
        continue;
      add(word, word);
      for (std::size_t i = 0; i < word.size(); ++i)
        add(std::string{word}.erase(i, 1), word);
    }
}

// Rewrites the channel's search entry from its row; tags keep their indexed value unless given.
// `state` ("live"/"offline") lets a search ask for live matches first without sorting them all.
void index_for_search(storage::sqlite::database& db, const std::string& channel,
                      const std::optional<std::string>& tags) {
  auto row = db.prepare("SELECT rowid, title, category, live FROM channels WHERE name = ?1");
  row.bind(1, channel);
  if (!row.step())
    return;
  auto rowid = row.column_int64(0);
  std::string kept;
  if (!tags) {
    auto old = db.prepare("SELECT tags FROM channel_index WHERE rowid = ?1");
    old.bind(1, rowid);
    if (old.step())
      kept = old.column_text(0);
  }
  db.prepare("DELETE FROM channel_index WHERE rowid = ?1").bind(1, rowid).run();
  db.prepare(
      "INSERT INTO channel_index(rowid, name, title, category, tags, state) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6)")
    .bind(1, rowid)
    .bind(2, channel)
    .bind(3, row.column_text(1))
    .bind(4, row.column_text(2))
    .bind(5, tags ? *tags : kept)
    .bind(6, row.column_int64(3) ? "live" : "offline")
    .run();
  remember_words(db, {channel, row.column_text(1), row.column_text(2), tags ? *tags : kept});
}

// category_counts keeps, per category and partition, how many channels have it and how many of
// them are live, so the categories page and search never count channels one by one. Keyed by
// partition because a member answers only for the partitions it owns (stale rows of moved
// partitions stay in its model); `sample` is a channel of that partition, for the owns check.
void count_category(storage::sqlite::database& db, const std::string& channel,
                    const std::string& category, std::int64_t channels, std::int64_t live) {
  if (category.empty())
    return;
  db.prepare(
      "INSERT INTO category_counts(category, part, sample, channels, live) "
      "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(category, part) DO UPDATE SET "
      "channels = channels + excluded.channels, live = live + excluded.live")
    .bind(1, category)
    .bind(2, std::int64_t{runtime::partition_of("channel", channel)})
    .bind(3, channel)
    .bind(4, channels)
    .bind(5, live)
    .run();
}

struct category_state {
  std::string category;
  bool live = false;
};

std::optional<category_state> category_of(storage::sqlite::database& db,
                                          const std::string& channel) {
  auto row = db.prepare("SELECT category, live FROM channels WHERE name = ?1");
  row.bind(1, channel);
  if (!row.step())
    return std::nullopt;
  return category_state{row.column_text(0), row.column_int64(1) != 0};
}

// Moves the channel's share of the counts from what it was to what it is now.
void recount(storage::sqlite::database& db, const std::string& channel,
             const std::optional<category_state>& before) {
  auto after = category_of(db, channel);
  if (before)
    count_category(db, channel, before->category, -1, before->live ? -1 : 0);
  if (after)
    count_category(db, channel, after->category, 1, after->live ? 1 : 0);
}

}  // namespace

const storage::event_schema_registry& channel_directory::schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (const char* type : {"channel.created", "channel.updated", "channel.went_live",
                             "channel.went_offline", "channel.featured"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

void channel_directory::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS channels("
    "name TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '', category TEXT NOT NULL DEFAULT '', "
    "live INTEGER NOT NULL DEFAULT 0, owner TEXT NOT NULL DEFAULT '', "
    "updated_ms INTEGER NOT NULL DEFAULT 0, featured INTEGER NOT NULL DEFAULT 0)");
  // Tables made by channel_directory.3 gain the column (the new name replays into it).
  bool has_featured = false;
  for (auto info = db.prepare("PRAGMA table_info(channels)"); info.step();)
    has_featured = has_featured || info.column_text(1) == "featured";
  if (!has_featured)
    db.exec("ALTER TABLE channels ADD COLUMN featured INTEGER NOT NULL DEFAULT 0");
  db.exec("CREATE INDEX IF NOT EXISTS channels_live ON channels(live, name)");
  // A category's live channels (browse by category) without reading every live row.
  db.exec(
    "CREATE INDEX IF NOT EXISTS channels_live_category ON channels(live, category COLLATE NOCASE, "
    "name)");
  // unicode61 splits "my_channel" into "my" and "channel"; prefix indexes make the short
  // prefixes a search box sends cheap. (channel_search was the index before `state` came.)
  db.exec("DROP TABLE IF EXISTS channel_search");
  db.exec(
    "CREATE VIRTUAL TABLE IF NOT EXISTS channel_index USING fts5("
    "name, title, category, tags, state, tokenize = 'unicode61', prefix = '2 3 4')");
  db.exec(
    "CREATE TABLE IF NOT EXISTS word_variants(variant TEXT NOT NULL, word TEXT NOT NULL, "
    "PRIMARY KEY(variant, word)) WITHOUT ROWID");
  db.exec(
    "CREATE TABLE IF NOT EXISTS category_counts(category TEXT NOT NULL, part INTEGER NOT NULL, "
    "sample TEXT NOT NULL, channels INTEGER NOT NULL, live INTEGER NOT NULL, "
    "PRIMARY KEY(category, part))");
}

void channel_directory::reset(storage::sqlite::database& db) {
  db.exec("DELETE FROM channels");
  db.exec("DELETE FROM channel_index");
  db.exec("DELETE FROM category_counts");
  db.exec("DELETE FROM word_variants");
}

void channel_directory::apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) {
  if (!e.stream.starts_with(stream_prefix))
    return;
  if (auto problem = schemas().check(e))
    throw std::runtime_error(*problem);
  const std::string channel = e.stream.substr(stream_prefix.size());
  const auto& type = e.data.type;
  auto& db = tx.db();

  auto payload = [&] {
    auto j = nlohmann::json::parse(e.data.payload.empty() ? "{}" : e.data.payload, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      throw std::runtime_error("channel_directory: malformed payload of " + type + " in " +
                               e.stream + " seq " + std::to_string(e.seq));
    return j;
  };

  const auto before = category_of(db, channel);
  if (type == "channel.created") {
    const auto j = payload();
    db.prepare(
        "INSERT INTO channels(name, title, owner, updated_ms) VALUES(?1, ?2, ?3, ?4) "
        "ON CONFLICT(name) DO UPDATE SET title = excluded.title, owner = excluded.owner, "
        "updated_ms = excluded.updated_ms")
      .bind(1, channel)
      .bind(2, text_field(j, "title").value_or(""))
      .bind(3, text_field(j, "owner").value_or(""))
      .bind(4, e.data.timestamp_ms)
      .run();
    index_for_search(db, channel, std::nullopt);
    recount(db, channel, before);
  } else if (type == "channel.updated") {
    const auto j = payload();
    db.prepare(
        "UPDATE channels SET title = COALESCE(?2, title), category = COALESCE(?3, category), "
        "updated_ms = ?4 WHERE name = ?1")
      .bind(1, channel)
      .bind(2, text_field(j, "title"))
      .bind(3, text_field(j, "category"))
      .bind(4, e.data.timestamp_ms)
      .run();
    index_for_search(db, channel, tags_text(j));
    recount(db, channel, before);
  } else if (type == "channel.went_live" || type == "channel.went_offline") {
    db.prepare("UPDATE channels SET live = ?2, updated_ms = ?3 WHERE name = ?1")
      .bind(1, channel)
      .bind(2, std::int64_t{type == "channel.went_live" ? 1 : 0})
      .bind(3, e.data.timestamp_ms)
      .run();
    index_for_search(db, channel, std::nullopt);
    recount(db, channel, before);
  } else if (type == "channel.featured") {
    db.prepare("UPDATE channels SET featured = ?2 WHERE name = ?1")
      .bind(1, channel)
      .bind(2, std::int64_t{payload().value("featured", false) ? 1 : 0})
      .run();
  }
  // Other channel.* events (settings, moderation, ...) do not change the directory.
}

std::optional<channel_directory::channel> channel_directory::find(storage::sqlite::database& db,
                                                                  std::string_view name) {
  auto q = db.cached(std::string(select_columns) + "WHERE name = ?1");
  q->bind(1, name);
  if (!q->step())
    return std::nullopt;
  return read_row(*q);
}

std::vector<channel_directory::channel> channel_directory::list(storage::sqlite::database& db,
                                                                bool live_only, std::size_t limit,
                                                                std::string_view after_name) {
  auto q = db.cached(std::string(select_columns) +
                     "WHERE name > ?1 AND (?2 = 0 OR live = 1) ORDER BY name LIMIT ?3");
  q->bind(1, after_name)
    .bind(2, std::int64_t{live_only ? 1 : 0})
    .bind(3, static_cast<std::int64_t>(limit));
  std::vector<channel> out;
  while (q->step())
    out.push_back(read_row(*q));
  return out;
}

std::vector<channel_directory::channel> channel_directory::live(storage::sqlite::database& db,
                                                                std::string_view category) {
  // Two statements, not one with "?1 = '' OR …": an OR keeps SQLite from the category index.
  auto q = category.empty()
             ? db.cached(std::string(select_columns) + "WHERE live = 1 ORDER BY name")
             : db.cached(std::string(select_columns) +
                         "WHERE live = 1 AND category = ?1 COLLATE NOCASE ORDER BY name");
  if (!category.empty())
    q->bind(1, category);
  std::vector<channel> out;
  while (q->step())
    out.push_back(read_row(*q));
  return out;
}

std::vector<channel_directory::match> channel_directory::search(storage::sqlite::database& db,
                                                                std::string_view fts_query,
                                                                std::size_t limit) {
  auto q = db.cached(
    "SELECT c.name, c.title, c.category, c.live, c.owner, c.updated_ms, c.featured, s.tags "
    "FROM channel_index s JOIN channels c ON c.rowid = s.rowid "
    "WHERE channel_index MATCH ?1 LIMIT ?2");
  q->bind(1, fts_query).bind(2, static_cast<std::int64_t>(limit));
  std::vector<match> out;
  while (q->step())
    out.push_back({read_row(*q), split_tags(q->column_text(7))});
  return out;
}

std::vector<channel_directory::category_count> channel_directory::category_counts(
  storage::sqlite::database& db, std::string_view containing) {
  auto q = db.cached(
    "SELECT category, sample, channels, live FROM category_counts WHERE channels > 0 "
    "AND (?1 = '' OR instr(lower(category), ?1) > 0) ORDER BY category");
  q->bind(1, containing);
  std::vector<category_count> out;
  while (q->step())
    out.push_back({q->column_text(0), q->column_text(1),
                   static_cast<std::uint64_t>(q->column_int64(2)),
                   static_cast<std::uint64_t>(q->column_int64(3))});
  return out;
}

bool one_edit_apart(std::string_view a, std::string_view b) {
  if (a == b || (a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > 1)
    return false;
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i])
    ++i;
  if (a.size() == b.size())
    return a.substr(i + 1) == b.substr(i + 1) ||  // one byte replaced
           (i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
            a.substr(i + 2) == b.substr(i + 2));  // two neighbours swapped
  auto& longer = a.size() > b.size() ? a : b;
  auto& shorter = a.size() > b.size() ? b : a;
  return shorter.substr(i) == longer.substr(i + 1);  // one byte more or less
}

std::vector<std::string> channel_directory::words_near(storage::sqlite::database& db,
                                                       std::string_view word) {
  std::vector<std::string> near;
  if (word.size() < typo_word_min || word.size() > typo_word_max)
    return near;
  auto lookup = db.cached("SELECT word FROM word_variants WHERE variant = ?1");
  auto look = [&](std::string_view variant) {
    lookup->reset();
    lookup->bind(1, variant);
    while (lookup->step()) {
      auto found = lookup->column_text(0);
      if (one_edit_apart(found, word) && std::find(near.begin(), near.end(), found) == near.end())
        near.push_back(std::move(found));
    }
  };
  look(word);  // words with one byte more
  for (std::size_t i = 0; i < word.size(); ++i)
    look(std::string{word}.erase(i, 1));  // one byte less, or one replaced or swapped
  std::sort(near.begin(), near.end());
  if (near.size() > max_words_near)
    near.resize(max_words_near);
  return near;
}

std::optional<std::uint64_t> channel_directory::row_count(storage::sqlite::database& db) const {
  auto count = db.prepare("SELECT COUNT(*) FROM channels");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

}  // namespace aethex::actors

#include "actors/music/plays_projection.hpp"

#include <stdexcept>

#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view music_stream_prefix = "music/";

const storage::event_schema_registry& music_schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    registry.declare("music.played", 1);
    return true;
  }();
  (void)declared;
  return registry;
}

}  // namespace

void music_plays_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS music_plays(channel TEXT NOT NULL, seq INTEGER NOT NULL, "
    "played_at_ms INTEGER NOT NULL, title TEXT NOT NULL, artist TEXT NOT NULL, "
    "album TEXT NOT NULL, track TEXT NOT NULL, source TEXT NOT NULL, PRIMARY KEY(channel, seq))");
  db.exec("CREATE INDEX IF NOT EXISTS music_plays_by_time ON music_plays(channel, played_at_ms)");
}

void music_plays_projection::reset(storage::sqlite::database& db) {
  db.exec("DELETE FROM music_plays");
}

void music_plays_projection::apply(storage::sqlite::transaction& tx,
                                   const storage::recorded_event& e) {
  if (!e.stream.starts_with(music_stream_prefix) || e.data.type != "music.played")
    return;
  if (auto problem = music_schemas().check(e))
    throw std::runtime_error(*problem);
  auto body = json::parse(e.data.payload, nullptr, false);
  auto play = body.is_object() ? body.value("play", json{}) : json{};
  auto track = play.is_object() ? play.value("track", json{}) : json{};
  if (!track.is_object() || !track.contains("title"))
    throw std::runtime_error("music_plays: malformed payload in " + e.stream + " seq " +
                             std::to_string(e.seq));
  tx.db()
    .prepare(
      "INSERT OR REPLACE INTO music_plays(channel, seq, played_at_ms, title, artist, album, "
      "track, source) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
    .bind(1, e.stream.substr(music_stream_prefix.size()))
    .bind(2, static_cast<std::int64_t>(e.seq))
    .bind(3, e.data.timestamp_ms)
    .bind(4, track.value("title", ""))
    .bind(5, track.value("artist", ""))
    .bind(6, track.value("album", ""))
    .bind(7, track.value("id", ""))
    .bind(8, play.value("source", ""))
    .run();
}

std::optional<std::uint64_t> music_plays_projection::row_count(
  storage::sqlite::database& db) const {
  auto count = db.prepare("SELECT COUNT(*) FROM music_plays");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

json music_plays(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  auto channel = args.value("channel", std::string{});
  auto rows = json::array();
  if (channel.empty() || !owns("music", channel))
    return rows;
  auto q = db.prepare(
    "SELECT played_at_ms, title, artist, album, track, source FROM music_plays "
    "WHERE channel = ?1 AND played_at_ms >= ?2 AND played_at_ms <= ?3 "
    "ORDER BY played_at_ms, seq LIMIT ?4");
  q.bind(1, channel)
    .bind(2, args.value("from_ms", std::int64_t{0}))
    .bind(3, args.value("to_ms", std::int64_t{0}))
    .bind(4, music_chapters_max);
  while (q.step())
    rows.push_back(json{{"played_at_ms", q.column_int64(0)},
                        {"title", q.column_text(1)},
                        {"artist", q.column_text(2)},
                        {"album", q.column_text(3)},
                        {"track", q.column_text(4)},
                        {"source", q.column_text(5)}});
  return rows;
}

}  // namespace aethex::actors

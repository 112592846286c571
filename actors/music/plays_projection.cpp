#include "actors/music/plays_projection.hpp"

#include <stdexcept>
#include <string>

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
  if (!e.stream.starts_with(music_stream_prefix) ||
      (e.data.type != "music.played" && e.data.type != "music.stopped"))
    return;
  // A stop is kept too: it ends what played, so a recording that starts after it opens on
  // nothing (music_plays).
  std::string title, artist, album, id, source = "stop";
  if (e.data.type == "music.played") {
    if (auto problem = music_schemas().check(e))
      throw std::runtime_error(*problem);
    auto body = json::parse(e.data.payload, nullptr, false);
    auto play = body.is_object() ? body.value("play", json{}) : json{};
    auto track = play.is_object() ? play.value("track", json{}) : json{};
    if (!track.is_object() || !track.contains("title"))
      throw std::runtime_error("music_plays: malformed payload in " + e.stream + " seq " +
                               std::to_string(e.seq));
    title = track.value("title", "");
    artist = track.value("artist", "");
    album = track.value("album", "");
    id = track.value("id", "");
    source = play.value("source", "");
  }
  tx.db()
    .prepare(
      "INSERT OR REPLACE INTO music_plays(channel, seq, played_at_ms, title, artist, album, "
      "track, source) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
    .bind(1, e.stream.substr(music_stream_prefix.size()))
    .bind(2, static_cast<std::int64_t>(e.seq))
    .bind(3, e.data.timestamp_ms)
    .bind(4, title)
    .bind(5, artist)
    .bind(6, album)
    .bind(7, id)
    .bind(8, source)
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
  // The last row before the window says what was playing when it opened.
  auto q = db.prepare(
    "SELECT played_at_ms, title, artist, album, track, source FROM ("
    " SELECT * FROM (SELECT * FROM music_plays WHERE channel = ?1 AND played_at_ms < ?2"
    "  ORDER BY played_at_ms DESC, seq DESC LIMIT 1)"
    " UNION ALL SELECT * FROM music_plays"
    "  WHERE channel = ?1 AND played_at_ms >= ?2 AND played_at_ms <= ?3) "
    "WHERE source != 'stop' ORDER BY played_at_ms, seq LIMIT ?4");
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

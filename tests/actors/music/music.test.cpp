// music/<channel> over a real registry and store with a manual clock: the track fields' limits,
// the CSV (RFC 4180 quoting) and M3U imports with their per-line errors, the library and queue
// bounds, plays (by id, ad hoc, next from the queue), what stream metadata and other sources may
// do (DJ mode only, library match by title and artist in any case, repeats ignored), artwork
// checked by its bytes, the same state after a restart (replay, and snapshot + tail on RocksDB),
// and the plays read model the VOD chapters read.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/music/library.hpp"
#include "actors/music/music.hpp"
#include "actors/music/plays_projection.hpp"
#include "runtime/errors.hpp"
#include "storage/read_model.hpp"
#include "tests/actors/emotes/emote_images.hpp"
#include "tests/actors/entity_fixture.hpp"

using namespace aethex;
using namespace aethex::actors;
using json = nlohmann::json;

namespace {

struct music_fixture {
  test::entity_fixture f;
  std::string channel = "alice";

  explicit music_fixture(test::entity_fixture_options opts = {.manual_clock = true}) : f(opts) {}

  static caf::expected<json> parsed(caf::expected<std::string> text) {
    if (!text)
      return text.error();
    if (*text == "ignored" || *text == "stopped")
      return json(*text);
    return json::parse(*text);
  }
  template <class... Ts>
  caf::expected<json> ask(Ts... xs) {
    return parsed(f.ask<std::string>("music", channel, xs...));
  }
  caf::expected<json> add(json track) {
    return ask(music_add_atom::value, std::string{"alice"}, track.dump());
  }
  caf::expected<json> get() { return ask(music_get_atom::value); }
  caf::expected<json> tracks(std::string q = {}, std::int32_t limit = 200,
                             std::int32_t offset = 0) {
    return ask(music_tracks_atom::value, q, limit, offset);
  }
  caf::expected<json> import(std::string format, std::string text) {
    return ask(music_import_atom::value, std::string{"alice"}, format, text);
  }
  caf::expected<json> play(json body) {
    return ask(music_play_atom::value, std::string{"alice"}, body.dump(), std::string{"manual"});
  }
  caf::expected<json> queue(json ids) {
    return ask(music_queue_atom::value, std::string{"alice"}, json{{"tracks", ids}}.dump());
  }
  caf::expected<json> settings(json patch) {
    return ask(music_settings_atom::value, std::string{"alice"}, patch.dump());
  }
  caf::expected<json> metadata(std::string title, std::string artist, std::string album = {}) {
    return ask(music_metadata_atom::value, title, artist, album);
  }
  bool dj() { return f.ask<bool>("music", channel, music_dj_atom::value).value(); }
};

errc music_code(const caf::expected<json>& answer) {
  REQUIRE_FALSE(answer);
  return code_of(answer.error());
}

// A baseline JPEG's container: SOI, APP0, a frame header of w x h, a scan, EOI.
std::string jpeg(std::uint16_t w, std::uint16_t h) {
  std::string out{"\xFF\xD8", 2};
  out += std::string{"\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 18};
  out += std::string{"\xFF\xC0\x00\x0B\x08", 5};
  out += static_cast<char>(h >> 8);
  out += static_cast<char>(h & 0xFF);
  out += static_cast<char>(w >> 8);
  out += static_cast<char>(w & 0xFF);
  out += std::string{"\x01\x01\x11\x00", 4};
  out += std::string{"\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00", 10};
  out += std::string(64, '\x55');  // entropy-coded data
  out += std::string{"\xFF\xD9", 2};
  return out;
}

}  // namespace

TEST_CASE("a track's fields are checked against their limits") {
  music_fixture m;
  auto t = m.add(json{{"title", "  Strobe "},
                      {"artist", "deadmau5"},
                      {"album", "For Lack"},
                      {"bpm", 128.5},
                      {"key", "8A"},
                      {"duration_ms", 634000},
                      {"spotify_id", "1a2B3c"}});
  REQUIRE(t);
  CHECK((*t)["id"] == "t1");
  CHECK((*t)["title"] == "Strobe");
  CHECK((*t)["bpm"] == 128.5);
  CHECK((*t)["artwork"] == false);
  CHECK_FALSE(t->contains("artwork_url"));
  CHECK((*m.add(json{{"title", "Second"}}))["id"] == "t2");

  CHECK(music_code(m.add(json{{"artist", "no title"}})) == errc::invalid_argument);
  CHECK(music_code(m.add(json{{"title", ""}})) == errc::invalid_argument);
  CHECK(music_code(m.add(json{{"title", std::string(201, 'x')}})) == errc::invalid_argument);
  CHECK(m.add(json{{"title", std::string(200, 'x')}}));
  // 200 code points of 2 bytes each are still 200 characters.
  std::string umlauts;
  for (int i = 0; i < 200; ++i)
    umlauts += "\xC3\xBC";
  CHECK(m.add(json{{"title", umlauts}}));
  CHECK(music_code(m.add(json{{"title", "x"}, {"bpm", 19}})) == errc::invalid_argument);
  CHECK(music_code(m.add(json{{"title", "x"}, {"bpm", 401}})) == errc::invalid_argument);
  CHECK(music_code(m.add(json{{"title", "x"}, {"bpm", 120.25}})) == errc::invalid_argument);
  CHECK(m.add(json{{"title", "x"}, {"bpm", 0}}));
  CHECK(music_code(m.add(json{{"title", "x"}, {"key", "123456789"}})) == errc::invalid_argument);
  CHECK(music_code(m.add(json{{"title", "x"}, {"duration_ms", 86'400'001}})) ==
        errc::invalid_argument);
  CHECK(music_code(m.add(json{{"title", "x"}, {"duration_ms", -1}})) == errc::invalid_argument);
  CHECK(music_code(m.add(json{{"title", "x"}, {"spotify_id", "a-b"}})) == errc::invalid_argument);
  CHECK(music_code(m.add(json{{"title", "x"}, {"genre", "house"}})) == errc::invalid_argument);
  CHECK(music_code(m.ask(music_add_atom::value, std::string{"alice"}, std::string{"[1]"})) ==
        errc::invalid_json);

  // Edits change only what they name; the id stays.
  auto edited = m.ask(music_edit_atom::value, std::string{"bob"}, std::string{"t1"},
                      json{{"bpm", 126}, {"id", "zz"}}.dump());
  REQUIRE(edited);
  CHECK((*edited)["id"] == "t1");
  CHECK((*edited)["bpm"] == 126.0);
  CHECK((*edited)["artist"] == "deadmau5");
  CHECK(music_code(m.ask(music_edit_atom::value, std::string{"bob"}, std::string{"t99"},
                         std::string{"{}"})) == errc::not_found);

  // The list: search in title, artist or album in any case; limit and offset.
  CHECK((*m.tracks("DEADMAU"))["total"] == 1);
  CHECK((*m.tracks("lack"))["tracks"][0]["id"] == "t1");
  auto page = *m.tracks("", 2, 1);
  CHECK(page["total"] == 5);
  CHECK(page["tracks"].size() == 2);
  CHECK(page["tracks"][0]["id"] == "t2");
}

TEST_CASE("CSV import reads RFC 4180 quoting and reports bad lines") {
  auto parsed = parse_music_import("csv",
                                   "\xEF\xBB\xBFTitle,Artist,duration,bpm,comment\r\n"
                                   "\"Hello, World\",\"The \"\"Quoted\"\" Band\",3:25,124,x\r\n"
                                   "Two,Someone,215.5,,\"a comment\nover two lines\"\r\n"
                                   "\r\n"
                                   "Bad Tempo,X,1:00,fast,\r\n"
                                   "Bad Time,X,1:75,,\r\n"
                                   ",Nobody,1:00,,\r\n"
                                   "Last,\"open quote\n");
  REQUIRE(parsed);
  REQUIRE(parsed->tracks.size() == 2);
  CHECK(parsed->tracks[0].title == "Hello, World");
  CHECK(parsed->tracks[0].artist == "The \"Quoted\" Band");
  CHECK(parsed->tracks[0].duration_ms == 205000);
  CHECK(parsed->tracks[0].bpm == 124);
  CHECK(parsed->tracks[1].title == "Two");
  CHECK(parsed->tracks[1].duration_ms == 215500);
  CHECK(parsed->lines == std::vector<std::size_t>{2, 3});
  REQUIRE(parsed->errors.size() == 4);
  CHECK(parsed->errors[0].line == 6);  // the quoted line break counts
  CHECK(parsed->errors[0].error.find("bpm") != std::string::npos);
  CHECK(parsed->errors[1].line == 7);
  CHECK(parsed->errors[2].line == 8);
  CHECK(parsed->errors[3].line == 9);
  CHECK(parsed->errors[3].error.find("quoted") != std::string::npos);

  CHECK_FALSE(parse_music_import("csv", "artist,album\nA,B\n"));
  CHECK_FALSE(parse_music_import("xml", "<a/>"));
}

TEST_CASE("a control character in a CSV field is a bad line, not an import failure") {
  auto parsed = parse_music_import("csv", "title\nok\nbad\x01here\n");
  REQUIRE(parsed);
  CHECK(parsed->tracks.size() == 1);
  CHECK(parsed->errors.size() == 1);
}

TEST_CASE("M3U import reads #EXTINF lines") {
  auto parsed = parse_music_import("m3u",
                                   "#EXTM3U\n"
                                   "#EXTINF:215,Daft Punk - One More Time\n"
                                   "music/one_more_time.mp3\n"
                                   "#EXTINF:-1,Untitled Jam\r\n"
                                   "jam.flac\n"
                                   "#EXTINF:abc,Broken - Line\n"
                                   "#EXTINF:10 tvg-id=\"x\",A - B - C\n"
                                   "#EXTINF:12\n");
  REQUIRE(parsed);
  REQUIRE(parsed->tracks.size() == 3);
  CHECK(parsed->tracks[0].artist == "Daft Punk");
  CHECK(parsed->tracks[0].title == "One More Time");
  CHECK(parsed->tracks[0].duration_ms == 215000);
  CHECK(parsed->tracks[1].title == "Untitled Jam");
  CHECK(parsed->tracks[1].artist.empty());
  CHECK(parsed->tracks[1].duration_ms == 0);
  CHECK(parsed->tracks[2].artist == "A");
  CHECK(parsed->tracks[2].title == "B - C");
  REQUIRE(parsed->errors.size() == 2);
  CHECK(parsed->errors[0].line == 6);
  CHECK(parsed->errors[1].line == 8);
}

TEST_CASE("imports skip what the library has, and the library and queue are bounded") {
  music_fixture m;
  auto first = m.import("csv", "title,artist\nOne,A\nTwo,B\nTwo,b\nthree,\n");
  REQUIRE(first);
  CHECK((*first)["imported"] == 3);
  CHECK((*first)["skipped"] == 1);
  CHECK((*first)["errors"].empty());
  auto again = m.import("m3u", "#EXTINF:1,a - one\n#EXTINF:1,Four\n");
  REQUIRE(again);
  CHECK((*again)["imported"] == 1);
  CHECK((*again)["skipped"] == 1);
  CHECK(music_code(m.import("tsv", "x")) == errc::invalid_argument);

  // Up to 5000 tracks: the import stops there and says so once.
  std::string csv = "title\n";
  for (int i = 0; i < 5000; ++i)
    csv += "Track " + std::to_string(i) + "\n";
  auto big = m.import("csv", csv);
  REQUIRE(big);
  CHECK((*big)["imported"] == 4996);
  CHECK((*big)["skipped"] == 4);
  REQUIRE((*big)["errors"].size() == 1);
  CHECK((*big)["errors"][0]["line"] == 4998);
  CHECK(music_code(m.add(json{{"title", "one too many"}})) == errc::conflict);

  // The queue: library tracks only, at most 200.
  json ids = json::array();
  for (int i = 0; i < 200; ++i)
    ids.push_back("t" + std::to_string(i + 1));
  auto queued = m.queue(ids);
  REQUIRE(queued);
  CHECK((*queued)["queue"].size() == 200);
  CHECK(music_code(m.ask(music_enqueue_atom::value, std::string{"alice"}, std::string{"t1"})) ==
        errc::conflict);
  ids.push_back("t300");
  CHECK(music_code(m.queue(ids)) == errc::conflict);
  CHECK(music_code(m.queue(json::array({"nope"}))) == errc::not_found);
  CHECK(music_code(m.ask(music_queue_atom::value, std::string{"alice"}, std::string{"{}"})) ==
        errc::invalid_argument);
}

TEST_CASE("plays: by id, ad hoc and next; deleting a track takes it off the queue") {
  music_fixture m;
  REQUIRE(m.add(json{{"title", "One"}, {"artist", "A"}}));
  REQUIRE(m.add(json{{"title", "Two"}, {"artist", "B"}}));
  REQUIRE(m.add(json{{"title", "Three"}, {"artist", "C"}}));
  CHECK(music_code(m.play(json{{"next", true}})) == errc::conflict);  // empty queue
  REQUIRE(m.queue(json::array({"t2", "t3", "t1"})));
  REQUIRE(m.ask(music_enqueue_atom::value, std::string{"alice"}, std::string{"t2"}));

  auto start = m.f.clock.now_ms();
  auto p = m.play(json{{"next", true}});
  REQUIRE(p);
  CHECK((*p)["track"]["id"] == "t2");
  CHECK((*p)["source"] == "manual");
  CHECK((*p)["played_at_ms"] == start);
  m.f.clock.advance(std::chrono::seconds(30));
  REQUIRE(m.play(json{{"track", "t1"}}));
  m.f.clock.advance(std::chrono::seconds(30));
  auto adhoc = m.play(json{{"title", "Live Edit"}, {"artist", "DJ"}});
  REQUIRE(adhoc);
  CHECK((*adhoc)["track"]["id"] == "");
  CHECK(music_code(m.play(json{{"track", "t9"}})) == errc::not_found);
  CHECK(music_code(m.play(json{{"title", "x"}, {"bpm", 120}})) == errc::invalid_argument);
  CHECK(music_code(m.play(json{{"next", false}})) == errc::invalid_argument);
  CHECK(music_code(m.ask(music_play_atom::value, std::string{"alice"}, json{{"track", "t1"}}.dump(),
                         std::string{"metadata"})) == errc::invalid_argument);

  auto g = *m.get();
  CHECK(g["now_playing"]["track"]["title"] == "Live Edit");
  CHECK(g["history"].size() == 3);
  CHECK(g["history"][0]["track"]["title"] == "Live Edit");  // newest first
  CHECK(g["history"][2]["track"]["id"] == "t2");
  REQUIRE(g["queue"].size() == 3);
  CHECK(g["queue"][0]["id"] == "t3");

  CHECK(*m.ask(music_remove_atom::value, std::string{"alice"}, std::string{"t2"}) ==
        json{{"deleted", "t2"}});
  g = *m.get();
  CHECK(g["queue"].size() == 2);                      // both t2 entries left the queue
  CHECK(g["history"][2]["track"]["title"] == "Two");  // a play keeps the track as it was
  CHECK(music_code(m.ask(music_remove_atom::value, std::string{"alice"}, std::string{"t2"})) ==
        errc::not_found);

  CHECK(*m.ask(music_stop_atom::value, std::string{"alice"}) == "stopped");
  CHECK((*m.get())["now_playing"].is_null());
}

TEST_CASE("stream metadata plays only in DJ mode, matches the library and ignores repeats") {
  music_fixture m;
  REQUIRE(m.add(json{{"title", "Strobe"}, {"artist", "deadmau5"}, {"bpm", 128}}));
  CHECK_FALSE(m.dj());
  CHECK(*m.metadata("Strobe", "deadmau5") == "ignored");
  CHECK((*m.get())["now_playing"].is_null());

  auto s = m.settings(json{{"dj_mode", true}});
  REQUIRE(s);
  CHECK((*s)["dj_mode"] == true);
  CHECK((*s)["announce_in_chat"] == true);
  CHECK(m.dj());
  CHECK(music_code(m.settings(json{{"dj_mode", "yes"}})) == errc::invalid_argument);
  CHECK(music_code(m.settings(json{{"volume", 3}})) == errc::invalid_argument);

  auto p = m.metadata(" STROBE ", "Deadmau5", "");
  REQUIRE(p);
  CHECK((*p)["source"] == "metadata");
  CHECK((*p)["track"]["id"] == "t1");
  CHECK((*p)["track"]["bpm"] == 128.0);
  CHECK(*m.metadata("strobe", "DEADMAU5") == "ignored");  // publishers repeat their metadata
  CHECK(*m.metadata("", "someone") == "ignored");

  auto adhoc = m.metadata("Unknown Tune\x01", "Somebody", "Album");
  REQUIRE(adhoc);
  CHECK((*adhoc)["track"]["id"] == "");
  CHECK((*adhoc)["track"]["title"] == "Unknown Tune");
  CHECK((*adhoc)["track"]["album"] == "Album");
  // Very long metadata is cut, not refused.
  auto longer = m.metadata(std::string(300, 'x'), "");
  REQUIRE(longer);
  CHECK((*longer)["track"]["title"].get<std::string>().size() == 200);

  // Another source: the same rules, with its source and the Spotify id.
  auto spotify = m.ask(music_external_atom::value, std::string{"spotify"}, std::string{"Song"},
                       std::string{"Band"}, std::string{"LP"},
                       std::string{"4uLU6hMCjMI75M1A2tKUQC"});
  REQUIRE(spotify);
  CHECK((*spotify)["source"] == "spotify");
  CHECK((*spotify)["track"]["spotify_id"] == "4uLU6hMCjMI75M1A2tKUQC");
  CHECK(*m.ask(music_external_atom::value, std::string{"spotify"}, std::string{"song"},
               std::string{"band"}, std::string{}, std::string{}) == "ignored");
  CHECK(music_code(m.ask(music_external_atom::value, std::string{"manual"}, std::string{"a"},
                         std::string{}, std::string{}, std::string{})) == errc::invalid_argument);

  REQUIRE(m.settings(json{{"dj_mode", false}}));
  CHECK(*m.metadata("Other", "X") == "ignored");
}

TEST_CASE("artwork is a whole PNG or JPEG, stored and served") {
  music_fixture m;
  REQUIRE(m.add(json{{"title", "Cover Me"}}));
  auto put = [&](std::string bytes) {
    return m.ask(music_artwork_atom::value, std::string{"alice"}, std::string{"t1"}, bytes);
  };
  CHECK(music_code(put("GIF89a not really")) == errc::unsupported_media_type);
  CHECK(music_code(put(test::gif(32, 1))) == errc::unsupported_media_type);
  auto cut = jpeg(300, 300);
  cut.resize(cut.size() - 2);
  CHECK(music_code(put(cut)) == errc::invalid_argument);
  CHECK(music_code(put(jpeg(5000, 10))) == errc::invalid_argument);
  CHECK(music_code(put(test::png(64, 64, (1u << 20) + 1))) == errc::payload_too_large);
  CHECK(music_code(m.ask(music_artwork_atom::value, std::string{"alice"}, std::string{"t9"},
                         jpeg(10, 10))) == errc::not_found);

  auto t = put(jpeg(300, 300));
  REQUIRE(t);
  CHECK((*t)["artwork"] == true);
  CHECK((*t)["artwork_url"] == "/api/v1/channels/alice/music/tracks/t1/artwork");
  auto stored = m.f.ask<std::string>("music_art", "alice.t1", music_art_get_atom::value);
  REQUIRE(stored);
  CHECK(*stored == "jpeg\n" + jpeg(300, 300));
  REQUIRE(put(test::png(640, 640)));
  CHECK(
    m.f.ask<std::string>("music_art", "alice.t1", music_art_get_atom::value)->starts_with("png\n"));

  // Deleting the track erases its artwork.
  REQUIRE(m.ask(music_remove_atom::value, std::string{"alice"}, std::string{"t1"}));
  auto gone = m.f.ask<std::string>("music_art", "alice.t1", music_art_get_atom::value);
  for (int i = 0; i < 50 && gone; ++i)  // the erase is told, not asked
    gone = m.f.ask<std::string>("music_art", "alice.t1", music_art_get_atom::value);
  CHECK_FALSE(gone);
}

TEST_CASE("the state comes back after a restart: replay, and snapshot + tail on RocksDB") {
  for (bool rocksdb : {false, true}) {
    CAPTURE(rocksdb);
    music_fixture m{{.rocksdb = rocksdb, .manual_clock = true}};
    REQUIRE(m.settings(json{{"dj_mode", true}, {"announce_in_chat", false}}));
    std::string csv = "title,artist\n";
    for (int i = 0; i < 300; ++i)  // past the snapshot interval (256 events)
      csv += "Song " + std::to_string(i) + ",Artist\n";
    REQUIRE(m.import("csv", csv));
    REQUIRE(m.queue(json::array({"t5", "t6"})));
    REQUIRE(m.play(json{{"next", true}}));
    REQUIRE(m.metadata("Song 10", "artist"));
    REQUIRE(m.add(json{{"title", "After"}}));
    auto before = *m.get();
    auto list_before = *m.tracks();
    m.f.restart();
    CHECK(*m.get() == before);
    CHECK(*m.tracks() == list_before);
    CHECK((*m.tracks())["total"] == 301);
    CHECK((*m.add(json{{"title", "Next id"}}))["id"] == "t8e");  // 302 in base 36
    CHECK(*m.metadata("song 10", "Artist") == "ignored");
  }
}

TEST_CASE("the plays read model lists a channel's plays by time") {
  music_fixture m;
  REQUIRE(m.add(json{{"title", "One"}, {"artist", "A"}}));
  auto t0 = m.f.clock.now_ms();
  REQUIRE(m.play(json{{"track", "t1"}}));
  m.f.clock.advance(std::chrono::seconds(90));
  REQUIRE(m.play(json{{"title", "Two"}, {"artist", "B"}}));
  m.f.clock.advance(std::chrono::seconds(90));
  REQUIRE(m.play(json{{"track", "t1"}}));
  m.f.clock.advance(std::chrono::seconds(90));
  auto stopped_at = m.f.clock.now_ms();
  CHECK(*m.ask(music_stop_atom::value, std::string{"alice"}) == "stopped");

  auto folder = std::filesystem::temp_directory_path() /
                ("aethex-music-plays-" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  {
    storage::projection_runner runner{m.f.events(), folder / "read.db"};
    runner.add(std::make_unique<music_plays_projection>());
    runner.catch_up();
    auto all = [](std::string_view, std::string_view) { return true; };
    auto rows = music_plays(
      runner.db(), json{{"channel", "alice"}, {"from_ms", t0 + 1}, {"to_ms", t0 + 180'000}}, all);
    // What was playing when the window opened leads it (a VOD's chapter at 0:00).
    REQUIRE(rows.size() == 3);
    CHECK(rows[0]["title"] == "One");
    CHECK(rows[0]["played_at_ms"] == t0);
    CHECK(rows[1]["title"] == "Two");
    CHECK(rows[1]["track"] == "");
    CHECK(rows[1]["played_at_ms"] == t0 + 90'000);
    CHECK(rows[2]["track"] == "t1");
    CHECK(rows[2]["source"] == "manual");
    // After a stop nothing plays: a later window opens on nothing, and stops are no rows.
    CHECK(music_plays(
            runner.db(),
            json{{"channel", "alice"}, {"from_ms", stopped_at + 1}, {"to_ms", stopped_at + 60'000}},
            all)
            .empty());
    CHECK(music_plays(runner.db(),
                      json{{"channel", "alice"}, {"from_ms", t0 + 1}, {"to_ms", stopped_at}}, all)
            .size() == 3);
    CHECK(music_plays(runner.db(), json{{"channel", "bob"}, {"from_ms", 0}, {"to_ms", t0 * 2}}, all)
            .empty());
    auto none = [](std::string_view, std::string_view) { return false; };
    CHECK(music_plays(runner.db(), json{{"channel", "alice"}, {"from_ms", 0}, {"to_ms", t0 * 2}},
                      none)
            .empty());
  }
  std::filesystem::remove_all(folder);
}

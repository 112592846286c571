// Tracks, plays and the music_book (library.hpp). The import parsers are in import.cpp.
#include "actors/music/library.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "actors/core/text.hpp"
#include "actors/music/music.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
namespace L = music_limits;

caf::error bad_field(std::string message) {
  return make_error(errc::invalid_argument, std::move(message));
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

// A text field of at most `max` code points; `required` refuses an empty one.
caf::error text_field(const json& value, const char* name, std::size_t max, bool required,
                      std::string& out) {
  if (!value.is_string())
    return bad_field(std::string{"'"} + name + "' must be a string");
  auto text = std::string{trimmed(value.get_ref<const std::string&>())};
  if (required && text.empty())
    return bad_field(std::string{"'"} + name + "' must not be empty");
  if (utf8_length(text) > max)
    return bad_field(std::string{"'"} + name + "' is at most " + std::to_string(max) +
                     " characters");
  if (has_control(text))
    return bad_field(std::string{"'"} + name + "' must not hold control characters");
  out = std::move(text);
  return caf::none;
}

caf::error bpm_field(const json& value, double& out) {
  if (!value.is_number())
    return bad_field("'bpm' must be a number");
  auto bpm = value.get<double>();
  auto tenths = bpm * 10;
  if (!std::isfinite(bpm) || (bpm != 0 && (bpm < L::bpm_min || bpm > L::bpm_max)) ||
      std::abs(tenths - std::round(tenths)) > 1e-6)
    return bad_field("'bpm' is 0 or 20-400, with at most one decimal");
  out = std::round(tenths) / 10;
  return caf::none;
}

std::string base36(std::uint64_t n) {
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  do {
    out.insert(out.begin(), digits[n % 36]);
    n /= 36;
  } while (n > 0);
  return out;
}

}  // namespace

json track_record(const music_track& t) {
  return json{{"id", t.id},
              {"title", t.title},
              {"artist", t.artist},
              {"album", t.album},
              {"bpm", t.bpm},
              {"key", t.key},
              {"duration_ms", t.duration_ms},
              {"artwork", t.artwork},
              {"spotify_id", t.spotify_id}};
}

music_track track_from_record(const json& j) {
  music_track t;
  t.id = j.value("id", "");
  t.title = j.at("title").get<std::string>();
  t.artist = j.value("artist", "");
  t.album = j.value("album", "");
  t.bpm = j.value("bpm", 0.0);
  t.key = j.value("key", "");
  t.duration_ms = j.value("duration_ms", std::int64_t{0});
  t.artwork = j.value("artwork", false);
  t.spotify_id = j.value("spotify_id", "");
  return t;
}

json play_record(const music_play& p) {
  return json{
    {"track", track_record(p.track)}, {"played_at_ms", p.played_at_ms}, {"source", p.source}};
}

music_play play_from_record(const json& j) {
  return music_play{track_from_record(j.at("track")), j.value("played_at_ms", std::int64_t{0}),
                    j.value("source", "manual")};
}

json track_json(const music_track& t, std::string_view channel) {
  auto j = track_record(t);
  if (t.artwork && !t.id.empty())
    j["artwork_url"] = music_artwork_url(channel, t.id);
  return j;
}

json play_json(const music_play& p, std::string_view channel) {
  return json{{"track", track_json(p.track, channel)},
              {"played_at_ms", p.played_at_ms},
              {"source", p.source}};
}

caf::error apply_track_fields(const json& body, music_track& t, bool creating) {
  if (!body.is_object())
    return make_error(errc::invalid_json, "a track must be a JSON object");
  for (auto& [key, value] : body.items()) {
    caf::error err;
    if (key == "title")
      err = text_field(value, "title", L::title_max, true, t.title);
    else if (key == "artist" || key == "album")
      err = text_field(value, key.c_str(), L::title_max, false,
                       key == "artist" ? t.artist : t.album);
    else if (key == "key")
      err = text_field(value, "key", L::key_max, false, t.key);
    else if (key == "bpm")
      err = bpm_field(value, t.bpm);
    else if (key == "duration_ms") {
      if (!value.is_number_integer() || value.get<std::int64_t>() < 0 ||
          value.get<std::int64_t>() > L::duration_max_ms)
        err = bad_field("'duration_ms' is a whole number 0-86400000");
      else
        t.duration_ms = value.get<std::int64_t>();
    } else if (key == "spotify_id") {
      const auto* s = value.get_ptr<const std::string*>();
      if (!s || s->size() > L::spotify_id_max ||
          !std::all_of(s->begin(), s->end(), [](unsigned char c) { return std::isalnum(c); }))
        err = bad_field("'spotify_id' is at most 64 letters and digits");
      else
        t.spotify_id = *s;
    } else if (key != "id" && key != "artwork")
      err = bad_field("unknown field '" + key + "'");
    if (err)
      return err;
  }
  if (creating && t.title.empty())
    return bad_field("'title' is required");
  return caf::none;
}

std::string clean_text(std::string_view text, std::size_t max_code_points) {
  std::string out;
  for (char c : trimmed(text))
    if (!(static_cast<unsigned char>(c) < 0x20 || c == 0x7f))
      out += c;
  std::size_t points = 0;
  for (std::size_t i = 0; i < out.size(); ++i)
    if ((static_cast<unsigned char>(out[i]) & 0xC0) != 0x80 && ++points > max_code_points) {
      out.resize(i);
      break;
    }
  return std::string{trimmed(out)};
}

bool same_words(std::string_view a, std::string_view b) {
  return ascii_lower(trimmed(a)) == ascii_lower(trimmed(b));
}

// ---- music_book ----

const music_track* music_book::find(std::string_view id) const {
  auto it = std::find_if(tracks_.begin(), tracks_.end(), [&](auto& t) { return t.id == id; });
  return it == tracks_.end() ? nullptr : &*it;
}

const music_track* music_book::match(std::string_view title, std::string_view artist) const {
  for (auto& t : tracks_)
    if (same_words(t.title, title) && (trimmed(artist).empty() || same_words(t.artist, artist)))
      return &t;
  return nullptr;
}

std::string music_book::next_id() const { return id_after(0); }

std::string music_book::id_after(std::size_t n) const { return "t" + base36(counter_ + n); }

bool music_book::playing_now(std::string_view title, std::string_view artist) const {
  return now_ && same_words(now_->track.title, title) && same_words(now_->track.artist, artist);
}

json music_book::overview(std::string_view channel) const {
  json queue = json::array();
  for (auto& id : queue_)
    if (const auto* t = find(id))
      queue.push_back(track_json(*t, channel));
  json history = json::array();
  for (auto it = history_.rbegin(); it != history_.rend() && history.size() < L::history_shown;
       ++it)
    history.push_back(play_json(*it, channel));
  return json{{"dj_mode", dj_mode_},
              {"announce_in_chat", announce_},
              {"now_playing", now_ ? play_json(*now_, channel) : json(nullptr)},
              {"queue", std::move(queue)},
              {"history", std::move(history)}};
}

json music_book::list(std::string_view channel, std::string_view q, std::size_t limit,
                      std::size_t offset) const {
  auto needle = ascii_lower(trimmed(q));
  json out = json::array();
  std::size_t total = 0;
  for (auto& t : tracks_) {
    if (!needle.empty() && ascii_lower(t.title).find(needle) == std::string::npos &&
        ascii_lower(t.artist).find(needle) == std::string::npos &&
        ascii_lower(t.album).find(needle) == std::string::npos)
      continue;
    if (total++ >= offset && out.size() < limit)
      out.push_back(track_json(t, channel));
  }
  return json{{"tracks", std::move(out)}, {"total", total}};
}

caf::error music_book::can_add(std::size_t n) const {
  if (tracks_.size() + n > L::tracks_max)
    return make_error(errc::conflict, "a channel's library holds at most 5000 tracks",
                      "library_full");
  return caf::none;
}

caf::error music_book::can_queue(const std::vector<std::string>& ids) const {
  if (ids.size() > L::queue_max)
    return make_error(errc::conflict, "the queue holds at most 200 tracks", "queue_full");
  for (auto& id : ids)
    if (!find(id))
      return make_error(errc::not_found, "no track '" + id + "'");
  return caf::none;
}

void music_book::set_settings(std::optional<bool> dj_mode, std::optional<bool> announce) {
  if (dj_mode)
    dj_mode_ = *dj_mode;
  if (announce)
    announce_ = *announce;
}

void music_book::add(music_track t) {
  tracks_.push_back(std::move(t));
  ++counter_;
}

void music_book::update(const music_track& t) {
  for (auto& mine : tracks_)
    if (mine.id == t.id)
      mine = t;
}

void music_book::remove(std::string_view id) {
  std::erase_if(tracks_, [&](auto& t) { return t.id == id; });
  std::erase(queue_, std::string{id});
}

void music_book::set_queue(std::vector<std::string> ids) { queue_ = std::move(ids); }

void music_book::play(music_play p, bool from_queue) {
  if (from_queue && !queue_.empty())
    queue_.erase(queue_.begin());
  history_.push_back(p);
  while (history_.size() > L::history_max)
    history_.pop_front();
  now_ = std::move(p);
}

void music_book::stop() { now_.reset(); }

json music_book::snapshot() const {
  json tracks = json::array();
  for (auto& t : tracks_)
    tracks.push_back(track_record(t));
  json history = json::array();
  for (auto& p : history_)
    history.push_back(play_record(p));
  return json{{"dj_mode", dj_mode_},
              {"announce_in_chat", announce_},
              {"tracks", std::move(tracks)},
              {"queue", queue_},
              {"now_playing", now_ ? play_record(*now_) : json(nullptr)},
              {"history", std::move(history)},
              {"counter", counter_}};
}

void music_book::restore(const json& j) {
  dj_mode_ = j.value("dj_mode", false);
  announce_ = j.value("announce_in_chat", true);
  tracks_.clear();
  for (auto& t : j.at("tracks"))
    tracks_.push_back(track_from_record(t));
  queue_ = j.value("queue", std::vector<std::string>{});
  now_.reset();
  if (auto& np = j.at("now_playing"); !np.is_null())
    now_ = play_from_record(np);
  history_.clear();
  for (auto& p : j.at("history"))
    history_.push_back(play_from_record(p));
  counter_ = j.value("counter", std::uint64_t{1});
}

std::string music_artwork_url(std::string_view channel, std::string_view track_id) {
  return "/api/v1/channels/" + std::string{channel} + "/music/tracks/" + std::string{track_id} +
         "/artwork";
}

}  // namespace aethex::actors

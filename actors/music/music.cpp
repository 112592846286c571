// music/<channel>: the entity (music.hpp). The rules are music_book's (library.cpp); this file
// turns commands into events, tells the chat room what plays, and keeps the artwork of a track
// in music_art/<channel>.<id> (artwork.cpp).
#include "actors/music/music.hpp"

#include <set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/chat/chat_room.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/event_sourced.hpp"
#include "actors/core/text.hpp"
#include "actors/music/internal.hpp"
#include "actors/music/library.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

namespace music_ev {
struct settings {
  static constexpr std::string_view type = "music.settings";
  static constexpr std::uint32_t schema = 1;
  std::optional<bool> dj_mode;
  std::optional<bool> announce;
  std::string by;
};
void to_json(json& j, const settings& e) {
  j = json{{"by", e.by}};
  if (e.dj_mode)
    j["dj_mode"] = *e.dj_mode;
  if (e.announce)
    j["announce_in_chat"] = *e.announce;
}
void from_json(const json& j, settings& e) {
  if (j.contains("dj_mode"))
    e.dj_mode = j.at("dj_mode").get<bool>();
  if (j.contains("announce_in_chat"))
    e.announce = j.at("announce_in_chat").get<bool>();
  e.by = j.value("by", "");
}

struct track_added {
  static constexpr std::string_view type = "music.track_added";
  static constexpr std::uint32_t schema = 1;
  music_track track;
  std::string by;
};
void to_json(json& j, const track_added& e) {
  j = json{{"track", track_record(e.track)}, {"by", e.by}};
}
void from_json(const json& j, track_added& e) {
  e.track = track_from_record(j.at("track"));
  e.by = j.value("by", "");
}

struct track_updated {
  static constexpr std::string_view type = "music.track_updated";
  static constexpr std::uint32_t schema = 1;
  music_track track;
  std::string by;
};
void to_json(json& j, const track_updated& e) {
  j = json{{"track", track_record(e.track)}, {"by", e.by}};
}
void from_json(const json& j, track_updated& e) {
  e.track = track_from_record(j.at("track"));
  e.by = j.value("by", "");
}

struct track_removed {
  static constexpr std::string_view type = "music.track_removed";
  static constexpr std::uint32_t schema = 1;
  std::string id;
  std::string by;
};
void to_json(json& j, const track_removed& e) { j = json{{"id", e.id}, {"by", e.by}}; }
void from_json(const json& j, track_removed& e) {
  e.id = j.at("id").get<std::string>();
  e.by = j.value("by", "");
}

struct queue_set {
  static constexpr std::string_view type = "music.queue_set";
  static constexpr std::uint32_t schema = 1;
  std::vector<std::string> ids;
  std::string by;
};
void to_json(json& j, const queue_set& e) { j = json{{"ids", e.ids}, {"by", e.by}}; }
void from_json(const json& j, queue_set& e) {
  e.ids = j.at("ids").get<std::vector<std::string>>();
  e.by = j.value("by", "");
}

// The play's track is copied as it was; "next" took it off the head of the queue.
struct played {
  static constexpr std::string_view type = "music.played";
  static constexpr std::uint32_t schema = 1;
  music_play play;
  std::string by;
  bool next = false;
};
void to_json(json& j, const played& e) {
  j = json{{"play", play_record(e.play)}, {"by", e.by}, {"next", e.next}};
}
void from_json(const json& j, played& e) {
  e.play = play_from_record(j.at("play"));
  e.by = j.value("by", "");
  e.next = j.value("next", false);
}

struct stopped {
  static constexpr std::string_view type = "music.stopped";
  static constexpr std::uint32_t schema = 1;
  std::string by;
};
void to_json(json& j, const stopped& e) { j = json{{"by", e.by}}; }
void from_json(const json& j, stopped& e) { e.by = j.value("by", ""); }
}  // namespace music_ev

struct music_state {
  static constexpr std::string_view kind = "music";
  using events =
    event_list<music_ev::settings, music_ev::track_added, music_ev::track_updated,
               music_ev::track_removed, music_ev::queue_set, music_ev::played, music_ev::stopped>;

  music_book book;
  std::set<std::string> storing_art;  // track ids whose artwork is being stored (in memory)

  bool keep_active() const { return !storing_art.empty(); }  // a reply is on its way

  void apply(const music_ev::settings& e, const event_meta&) {
    book.set_settings(e.dj_mode, e.announce);
  }
  void apply(const music_ev::track_added& e, const event_meta&) { book.add(e.track); }
  void apply(const music_ev::track_updated& e, const event_meta&) { book.update(e.track); }
  void apply(const music_ev::track_removed& e, const event_meta&) { book.remove(e.id); }
  void apply(const music_ev::queue_set& e, const event_meta&) { book.set_queue(e.ids); }
  void apply(const music_ev::played& e, const event_meta& meta) {
    auto play = e.play;
    play.played_at_ms = meta.timestamp_ms;
    book.play(std::move(play), e.next);
  }
  void apply(const music_ev::stopped&, const event_meta&) { book.stop(); }

  std::string snapshot() const { return book.snapshot().dump(); }
  void restore(const std::string& text) { book.restore(json::parse(text)); }
};

using music_actor = caf::stateful_actor<event_sourced<music_state>>;

// A library of thousands of tracks and a long set make a long stream; replay stays short.
constexpr std::uint64_t music_snapshot_every = 256;

caf::error invalid(std::string message) {
  return make_error(errc::invalid_argument, std::move(message));
}

caf::error no_track(const std::string& id) {
  return make_error(errc::not_found, "no track '" + id + "'");
}

caf::expected<json> object_of(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(errc::invalid_json, "the body must be a JSON object");
  return j;
}

// The room hears every play (and a stop): open DJ pages update their card from it, and
// `announce` (the channel's announce_in_chat) says whether chat shows a line. The overlay's own
// now_playing frame has title/artist/at_ms, so those are repeated for open overlays.
void tell_room(music_actor* self, const std::optional<music_play>& play) {
  auto& st = self->state;
  json frame{{"type", "now_playing"},
             {"play", play ? play_json(*play, st.id()) : json(nullptr)},
             {"announce", st.book.announce_in_chat()},
             {"title", play ? play->track.title : std::string{}},
             {"artist", play ? play->track.artist : std::string{}},
             {"at_ms", play ? play->played_at_ms : st.clock().now_ms()}};
  entity_ref<chat_protocol>{st.registry(), st.id()}.tell(chat_relay_atom::value, frame.dump());
}

// Emits the play, tells the room, answers the Play.
caf::result<std::string> start_play(music_actor* self, music_track track, std::string source,
                                    std::string by, bool next) {
  auto& st = self->state;
  st.touch();
  auto now = st.clock().now_ms();
  music_ev::played e{music_play{std::move(track), now, std::move(source)}, std::move(by), next};
  if (auto err = st.emit_at(now, e))
    return err;
  tell_room(self, st.book.now_playing());
  return play_json(*st.book.now_playing(), st.id()).dump();
}

caf::result<std::string> play_command(music_actor* self, const std::string& by,
                                      const std::string& body, const std::string& source) {
  auto& st = self->state;
  st.touch();
  if (source != "manual" && source != "console")
    return invalid("a play's source here is manual or console");
  auto j = object_of(body);
  if (!j)
    return j.error();
  if (j->contains("next")) {
    if (j->size() != 1 || !j->at("next").is_boolean() || !j->at("next").get<bool>())
      return invalid("{\"next\": true} plays the first track of the queue");
    if (st.book.queue().empty())
      return make_error(errc::conflict, "the queue is empty", "queue_empty");
    const auto* t = st.book.find(st.book.queue().front());
    return start_play(self, *t, source, by, true);
  }
  if (j->contains("track")) {
    const auto* id = j->at("track").get_ptr<const std::string*>();
    if (j->size() != 1 || !id)
      return invalid("{\"track\": id} plays a track of the library");
    const auto* t = st.book.find(*id);
    if (!t)
      return st.answer_read(self, no_track(*id));
    return start_play(self, *t, source, by, false);
  }
  music_track adhoc;
  for (auto& [key, value] : j->items())
    if (key != "title" && key != "artist" && key != "album")
      return invalid("an ad-hoc play has title, artist and album only");
  if (auto err = apply_track_fields(*j, adhoc, true))
    return err;
  return start_play(self, std::move(adhoc), source, by, false);
}

// Metadata and other sources: DJ mode only, a repeat of what plays is ignored, a library track
// is preferred (by Spotify id, then by title and artist).
caf::result<std::string> outside_play(music_actor* self, const std::string& source,
                                      const std::string& title, const std::string& artist,
                                      const std::string& album, const std::string& spotify_id) {
  auto& st = self->state;
  using namespace music_limits;
  auto clean_title = clean_text(title, title_max);
  auto clean_artist = clean_text(artist, title_max);
  if (!st.book.dj_mode() || clean_title.empty() || st.book.playing_now(clean_title, clean_artist))
    return st.answer_read(self, std::string{"ignored"});
  const music_track* found = nullptr;
  bool id_ok = !spotify_id.empty() && spotify_id.size() <= spotify_id_max &&
               std::all_of(spotify_id.begin(), spotify_id.end(),
                           [](unsigned char c) { return std::isalnum(c); });
  if (id_ok)
    for (auto& t : st.book.tracks())
      if (t.spotify_id == spotify_id)
        found = &t;
  if (!found)
    found = st.book.match(clean_title, clean_artist);
  music_track track;
  if (found) {
    track = *found;
  } else {
    track.title = clean_title;
    track.artist = clean_artist;
    track.album = clean_text(album, title_max);
    if (id_ok)
      track.spotify_id = spotify_id;
  }
  return start_play(self, std::move(track), source, source, false);
}

caf::result<std::string> import_command(music_actor* self, const std::string& by,
                                        const std::string& format, const std::string& text) {
  auto& st = self->state;
  st.touch();
  if (text.size() > music_limits::import_max_bytes)
    return make_error(errc::payload_too_large, "an import is at most 1 MiB");
  auto parsed = parse_music_import(format, text);
  if (!parsed)
    return st.answer_read(self, parsed.error());
  std::vector<music_ev::track_added> adds;
  std::set<std::pair<std::string, std::string>> seen;  // lower-case title and artist
  std::size_t skipped = parsed->errors.size();
  auto errors = parsed->errors;
  bool full_reported = false;
  for (std::size_t i = 0; i < parsed->tracks.size(); ++i) {
    auto& t = parsed->tracks[i];
    auto key = std::pair{ascii_lower(t.title), ascii_lower(t.artist)};
    bool in_library = std::any_of(st.book.tracks().begin(), st.book.tracks().end(), [&](auto& l) {
      return same_words(l.title, t.title) && same_words(l.artist, t.artist);
    });
    bool duplicate = in_library || !seen.insert(key).second;
    if (duplicate) {  // importing the same list twice adds nothing
      ++skipped;
      continue;
    }
    if (st.book.can_add(adds.size() + 1)) {
      ++skipped;
      if (!full_reported)
        errors.push_back({parsed->lines[i], "the library holds at most 5000 tracks"});
      full_reported = true;
      continue;
    }
    t.id = st.book.id_after(adds.size());
    adds.push_back({t, by});
  }
  if (auto err = st.emit_all(adds))
    return err;
  std::sort(errors.begin(), errors.end(), [](auto& a, auto& b) { return a.line < b.line; });
  json listed = json::array();
  for (auto& e : errors)
    if (listed.size() < music_limits::import_errors_max)
      listed.push_back(json{{"line", e.line}, {"error", e.error}});
  return json{{"imported", adds.size()}, {"skipped", skipped}, {"errors", std::move(listed)}}
    .dump();
}

caf::result<std::string> artwork_command(music_actor* self, const std::string& by,
                                         const std::string& id, std::string bytes) {
  auto& st = self->state;
  st.touch();
  if (!st.book.find(id))
    return st.answer_read(self, no_track(id));
  auto format = artwork_format(bytes);
  if (!format)
    return format.error();
  if (!st.storing_art.insert(id).second)
    return make_error(errc::conflict, "this track's artwork is being stored");
  auto promise = self->make_response_promise<std::string>();
  entity_ref<music_art_protocol>{st.registry(), music_art_entity(st.id(), id)}
    .request(self, music_art_store_atom::value, *format, std::move(bytes))
    .then(
      [self, promise, id, by](std::string&) mutable {
        auto& st = self->state;
        st.storing_art.erase(id);
        const auto* t = st.book.find(id);
        if (!t) {  // deleted meanwhile
          promise.deliver(no_track(id));
          return;
        }
        auto changed = *t;
        changed.artwork = true;
        if (!t->artwork)
          if (auto err = st.emit(music_ev::track_updated{changed, by})) {
            promise.deliver(err);
            return;
          }
        promise.deliver(track_json(changed, st.id()).dump());
      },
      [self, promise, id](caf::error& err) mutable {
        self->state.storing_art.erase(id);
        promise.deliver(err);
      });
  return promise;
}

caf::behavior music_behavior(music_actor* self, caf::actor registry, storage::event_store* store,
                             std::string channel, const runtime::clock* clock) {
  auto& st = self->state;
  std::remove_reference_t<decltype(st)>::activation_options opts{registry, clock};
  opts.snapshot_every = music_snapshot_every;
  if (auto err = st.activate(self, *store, channel, opts))
    return st.refuse(self, std::move(err));
  return {
    [self](music_get_atom) -> std::string {
      auto& st = self->state;
      return st.answer_read(self, st.book.overview(st.id()).dump());
    },
    [self](music_dj_atom) -> bool {
      auto& st = self->state;
      return st.answer_read(self, st.book.dj_mode());
    },
    [self](music_settings_atom, const std::string& by,
           const std::string& patch) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      auto j = object_of(patch);
      if (!j)
        return j.error();
      music_ev::settings e{{}, {}, by};
      for (auto& [key, value] : j->items()) {
        if (key != "dj_mode" && key != "announce_in_chat")
          return invalid("unknown field '" + key + "'");
        if (!value.is_boolean())
          return invalid("'" + key + "' must be true or false");
        (key == "dj_mode" ? e.dj_mode : e.announce) = value.get<bool>();
      }
      bool changes = (e.dj_mode && *e.dj_mode != st.book.dj_mode()) ||
                     (e.announce && *e.announce != st.book.announce_in_chat());
      if (changes)
        if (auto err = st.emit(e))
          return err;
      return st.book.overview(st.id()).dump();
    },
    [self](music_tracks_atom, const std::string& q, std::int32_t limit,
           std::int32_t offset) -> std::string {
      auto& st = self->state;
      auto shown = static_cast<std::size_t>(std::clamp<std::int32_t>(limit, 0,
                                                                     music_limits::list_limit_max));
      return st.answer_read(
        self,
        st.book.list(st.id(), q, shown, static_cast<std::size_t>(std::max(offset, 0))).dump());
    },
    [self](music_add_atom, const std::string& by,
           const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      auto j = object_of(body);
      if (!j)
        return j.error();
      music_track t;
      if (auto err = apply_track_fields(*j, t, true))
        return err;
      if (auto err = st.book.can_add())
        return err;
      t.id = st.book.next_id();
      if (auto err = st.emit(music_ev::track_added{t, by}))
        return err;
      return track_json(t, st.id()).dump();
    },
    [self](music_edit_atom, const std::string& by, const std::string& id,
           const std::string& patch) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      const auto* found = st.book.find(id);
      if (!found)
        return st.answer_read(self, no_track(id));
      auto j = object_of(patch);
      if (!j)
        return j.error();
      auto t = *found;
      if (auto err = apply_track_fields(*j, t, false))
        return err;
      if (auto err = st.emit(music_ev::track_updated{t, by}))
        return err;
      return track_json(t, st.id()).dump();
    },
    [self](music_remove_atom, const std::string& by,
           const std::string& id) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      const auto* found = st.book.find(id);
      if (!found)
        return st.answer_read(self, no_track(id));
      bool artwork = found->artwork;
      if (auto err = st.emit(music_ev::track_removed{id, by}))
        return err;
      if (artwork)
        entity_ref<music_art_protocol>{st.registry(), music_art_entity(st.id(), id)}.tell(
          music_art_erase_atom::value);
      return json{{"deleted", id}}.dump();
    },
    [self](music_artwork_atom, const std::string& by, const std::string& id, std::string& bytes) {
      return artwork_command(self, by, id, std::move(bytes));
    },
    [self](music_import_atom, const std::string& by, const std::string& format,
           const std::string& text) { return import_command(self, by, format, text); },
    [self](music_queue_atom, const std::string& by,
           const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      auto j = object_of(body);
      if (!j)
        return j.error();
      auto list = j->find("tracks");
      if (j->size() != 1 || list == j->end() || !list->is_array())
        return invalid("the queue is {\"tracks\": [track ids]}");
      std::vector<std::string> ids;
      for (auto& id : *list) {
        if (!id.is_string())
          return invalid("a queue lists track ids");
        ids.push_back(id.get<std::string>());
        if (ids.size() > music_limits::queue_max)
          break;
      }
      if (auto err = st.book.can_queue(ids))
        return err;
      if (ids != st.book.queue())
        if (auto err = st.emit(music_ev::queue_set{ids, by}))
          return err;
      return st.book.overview(st.id()).dump();
    },
    [self](music_enqueue_atom, const std::string& by,
           const std::string& id) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      auto ids = st.book.queue();
      ids.push_back(id);
      if (auto err = st.book.can_queue(ids))
        return st.answer_read(self, err);
      if (auto err = st.emit(music_ev::queue_set{ids, by}))
        return err;
      return st.book.overview(st.id()).dump();
    },
    [self](music_play_atom, const std::string& by, const std::string& body,
           const std::string& source) { return play_command(self, by, body, source); },
    [self](music_stop_atom, const std::string& by) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      if (!st.book.now_playing())
        return st.answer_read(self, std::string{"stopped"});
      if (auto err = st.emit(music_ev::stopped{by}))
        return err;
      tell_room(self, std::nullopt);
      return std::string{"stopped"};
    },
    [self](music_metadata_atom, const std::string& title, const std::string& artist,
           const std::string& album) {
      return outside_play(self, "metadata", title, artist, album, {});
    },
    [self](music_external_atom, const std::string& source, const std::string& title,
           const std::string& artist, const std::string& album,
           const std::string& spotify_id) -> caf::result<std::string> {
      bool word = !source.empty() && source.size() <= 16 &&
                  std::all_of(source.begin(), source.end(),
                              [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
      if (!word || source == "manual" || source == "console")
        return self->state.answer_read(self, invalid("a play's source is a lower-case word"));
      return outside_play(self, source, title, artist, album, spotify_id);
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_music_kinds(runtime::entity_kinds& kinds, storage::event_store& store,
                     const runtime::clock& clock) {
  kinds.factories["music"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                              const std::string& channel) {
    return sys.spawn(music_behavior, registry, &store, channel, &clock);
  };
  add_music_art_kind(kinds, store, clock);
}

}  // namespace aethex::actors

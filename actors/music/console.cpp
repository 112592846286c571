// music/<channel> in the admin console (docs/music.md, section Console): what plays, the queue,
// and the DJ's buttons for operators and scripts (`send music/alice next`). Plays from here
// have the source "console".
#include <caf/all.hpp>

#include "actors/music/internal.hpp"
#include "actors/music/music.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

using namespace console;

adapter music_adapter() {
  adapter a;
  a.kind = "music";
  a.summary = "a channel's music: DJ mode, library, queue, now playing";
  a.show_query = "get";
  auto as_json = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  auto part = [](const char* key) {
    return expecting<std::string>([key](const std::string& text) -> caf::expected<json> {
      return json::parse(text).at(key);
    });
  };
  auto played = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  auto play_body = [](json body) {
    return [body](const invocation& inv) -> caf::expected<caf::message> {
      auto b = body;
      if (b.contains("track"))
        b["track"] = inv.args.at(0);
      return caf::make_message(music_play_atom::value, inv.as.display(), b.dump(),
                               std::string{"console"});
    };
  };
  a.ask("get", {}, "DJ mode, what plays, the queue and the last 50 plays.", "ask music/alice get",
        message_of_args(music_get_atom::value), as_json);
  a.ask("np", {}, "What plays now (null: nothing).", "ask music/alice np",
        message_of_args(music_get_atom::value), part("now_playing"));
  a.ask("queue", {}, "The queue, first to play first.", "ask music/alice queue",
        message_of_args(music_get_atom::value), part("queue"));
  a.send("play", {{"track"}}, "Plays a track of the library now.", "send music/alice play t1",
         play_body(json{{"track", ""}}), played);
  a.send("next", {}, "Plays the first track of the queue and takes it off the queue.",
         "send music/alice next", play_body(json{{"next", true}}), played);
  a.send(
    "stop", {}, "Nothing plays.", "send music/alice stop",
    [](const invocation& inv) -> caf::expected<caf::message> {
      return caf::make_message(music_stop_atom::value, inv.as.display());
    },
    expecting<std::string>([](const std::string& text) -> caf::expected<json> {
      return json{{"result", text}};
    }));
  a.send(
    "dj", {{"on|off"}}, "Switches DJ mode (stream metadata sets what plays only in it).",
    "send music/alice dj on",
    [](const invocation& inv) -> caf::expected<caf::message> {
      const auto& word = inv.args.at(0);
      if (word != "on" && word != "off")
        return make_error(errc::invalid_argument, "dj takes on or off");
      return caf::make_message(music_settings_atom::value, inv.as.display(),
                               json{{"dj_mode", word == "on"}}.dump());
    },
    as_json);
  return a;
}

}  // namespace aethex::actors

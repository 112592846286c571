// clip/<id> in the admin console: looking at a clip, renaming or deleting it on its creator's
// behalf (the file goes too, on the node that holds it).
#include <caf/all.hpp>

#include "actors/clip/clip.hpp"
#include "actors/clip/internal.hpp"

namespace aethex::actors {

using namespace console;

adapter clip_adapter(std::shared_ptr<clip_console_slot> slot) {
  adapter a;
  a.kind = "clip";
  a.summary = "a clip of a VOD or a live stream, and its rendering";
  a.show_query = "get";
  auto render = expecting<clip_view>([](const clip_view& c) {
    auto j = clip_json(c);
    j["node"] = c.node;
    return j;
  });
  a.ask("get", {}, "The clip: VOD, range, state of its rendering, likes, views.",
        "ask clip/0123456789ab get", message_of_args(get_atom::value), render);
  a.send(
    "rename", {{"title", true, true}}, "Changes the title (1-140 characters).",
    "send clip/0123456789ab rename Best play of the night",
    [](const invocation& inv) -> caf::expected<caf::message> {
      return caf::make_message(update_atom::value, inv.as, json{{"title", inv.args[0]}}.dump());
    },
    render);
  a.send(
    "delete", {}, "Deletes the clip, and its file on the node that holds it.",
    "send clip/0123456789ab delete",
    [](const invocation& inv) -> caf::expected<caf::message> {
      return caf::make_message(clip_delete_atom::value, inv.as);
    },
    [slot](caf::event_based_actor* self, const caf::actor& registry, const std::string& kind,
           const std::string& id, caf::message msg, reply_fn done) {
      self->request(registry, entity_timeout, route_atom::value, kind, id, std::move(msg))
        .then(
          [slot, id, done](bool) {
            std::lock_guard lock{slot->mutex};
            if (slot->publish)
              slot->publish(std::string{service_names::clip_renderer}, clip_delete_payload(id));
            done(json{{"id", id}, {"deleted", true}});
          },
          [done](caf::error& err) { done(std::move(err)); });
    });
  return a;
}

}  // namespace aethex::actors

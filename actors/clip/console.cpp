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
  a.send("rename", {{"title", true, true}}, "Changes the title (1-140 characters).",
         "send clip/0123456789ab rename Best play of the night", patch_of("title"), render);
  a.send("delete", {}, "Deletes the clip, and its file on the node that holds it.",
         "send clip/0123456789ab delete", message_as_invoker(clip_delete_atom::value),
         deleting([slot](const std::string& id) {
           std::lock_guard lock{slot->mutex};
           if (slot->publish)
             slot->publish(std::string{service_names::clip_renderer}, clip_delete_payload(id));
         }));
  return a;
}

}  // namespace aethex::actors

// vod/<id> in the admin console (renaming, privacy and deleting on the owner's behalf) and the
// keeper's retention sweep.
#include <caf/all.hpp>

#include "actors/vod/internal.hpp"
#include "actors/vod/vod.hpp"
#include "actors/vod/vod_keeper.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {

using namespace console;

namespace {

json view_json(const vod_view& v) {
  auto j = vod_json(v);
  j["node"] = v.node;
  j["recovered"] = v.recovered;
  return j;
}

}  // namespace

adapter vod_adapter(std::shared_ptr<vod_console_slot> slot) {
  adapter a;
  a.kind = "vod";
  a.summary = "a recorded live session (VOD)";
  a.show_query = "get";
  auto render = expecting<vod_view>(view_json);
  a.ask("get", {}, "The VOD: channel, title, privacy, duration, size, expiry.",
        "ask vod/0123456789ab get", message_of_args(get_atom::value), render);
  a.send("rename", {{"title", true, true}}, "Changes the title (1-140 characters).",
         "send vod/0123456789ab rename Best of the finals", patch_of("title"), render);
  a.send("privacy", {{"public|followers|subscribers|private"}}, "Changes who may see it.",
         "send vod/0123456789ab privacy private", patch_of("privacy"), render);
  a.send("delete", {}, "Deletes the VOD, and its files on the node that holds them.",
         "send vod/0123456789ab delete", message_as_invoker(vod_delete_atom::value),
         deleting([slot](const std::string& id) {
           std::lock_guard lock{slot->mutex};
           if (slot->publish)
             slot->publish(std::string{vod_keeper_name}, id);
         }));
  return a;
}

adapter vod_keeper_adapter(std::shared_ptr<vod_console_slot> slot) {
  adapter a;
  a.kind = "vodkeeper";
  a.summary = "VOD retention on this node";
  a.send("sweep", {}, "Deletes this node's expired VODs now; answers how many.",
         "send vodkeeper/here sweep", message_of_args(vod_expire_atom::value),
         [slot](caf::event_based_actor* self, const caf::actor&, const std::string&,
                const std::string&, caf::message msg, reply_fn done) {
           caf::actor keeper;
           {
             std::lock_guard lock{slot->mutex};
             keeper = caf::actor_cast<caf::actor>(slot->keeper);
           }
           if (!keeper)
             return done(make_error(errc::unavailable, "the VOD keeper is not running"));
           self->request(keeper, entity_timeout, std::move(msg))
             .then(
               [done](std::uint64_t deleted) {
                 done(json{{"deleted", deleted}});
               },
               [done](caf::error& err) { done(std::move(err)); });
         });
  return a;
}

}  // namespace aethex::actors

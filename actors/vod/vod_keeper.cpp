#include "actors/vod/vod_keeper.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/entity_ref.hpp"
#include "actors/vod/vod.hpp"
#include "actors/vod/vod_read_model.hpp"
#include "runtime/errors.hpp"
#include "actors/vod/vod_files.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
using vod_tick_atom = caf::atom_constant<caf::atom("vodtick")>;
using vod_swept_atom = caf::atom_constant<caf::atom("vodswept")>;

struct keeper_state {
  std::uint64_t next_sweep = 0;
  // Sweeps waiting for the expiry query's rows, by number: what to do with the count.
  std::map<std::uint64_t, std::function<void(std::uint64_t)>> waiting;
};

using keeper_actor = caf::stateful_actor<keeper_state>;

void start_sweep(keeper_actor* self, const node_env& env, std::function<void(std::uint64_t)> done) {
  auto n = ++self->state.next_sweep;
  self->state.waiting.emplace(n, std::move(done));
  // The query answers on another thread: its rows come back as a message.
  env.query(std::string{vod_queries::expired}, json{{"now_ms", env.clock->now_ms()}},
            [me = caf::actor{self}, n](caf::expected<std::vector<json>> rows) {
              caf::anon_send(me, vod_swept_atom::value, n,
                             rows ? json(*rows).dump() : std::string{});
            });
}

// Deletes each expired VOD whose files are here, then removes its folder.
void sweep(keeper_actor* self, const node_env& env, std::uint64_t n, const std::string& text) {
  auto it = self->state.waiting.find(n);
  if (it == self->state.waiting.end())
    return;
  auto done = std::move(it->second);
  self->state.waiting.erase(it);
  auto rows = json::parse(text, nullptr, false);
  std::vector<std::string> ids;
  if (rows.is_array())
    for (auto& row : rows) {
      // A single node holds every VOD; in a cluster, only those recorded here.
      if (env.membership && row.value("node", "") != env.node_id)
        continue;
      auto id = row.value("id", "");
      if (actors::vod_files::valid_id(id))
        ids.push_back(std::move(id));
    }
  if (ids.empty())
    return done(0);
  struct tally {
    std::size_t left = 0;
    std::uint64_t deleted = 0;
    std::function<void(std::uint64_t)> done;
  };
  auto t = std::make_shared<tally>(tally{ids.size(), 0, std::move(done)});
  auto finish = [t, env] {
    if (--t->left > 0)
      return;
    if (t->deleted > 0)
      env.read_models_changed();
    t->done(t->deleted);
  };
  for (auto& id : ids)
    entity_ref<vod_protocol>{env.registry, id}
      .request(self, vod_delete_atom::value, runtime::principal::admin())
      .then(
        [t, env, id, finish](bool) {
          ++t->deleted;
          remove_vod_files(env.config->data_dir, id);
          finish();
        },
        [self, env, id, finish](const caf::error& err) {
          if (code_of(err) == errc::not_found)  // deleted meanwhile: its files go all the same
            remove_vod_files(env.config->data_dir, id);
          else
            caf::aout(self) << "vod.keeper: cannot delete expired VOD " << id << ": "
                            << message_of(err) << "\n";
          finish();
        });
}

caf::behavior keeper_behavior(keeper_actor* self, node_env env, std::chrono::milliseconds period) {
  // Soon after the start too: a node restarted more often than `period` still sweeps.
  self->delayed_send(self, std::min<std::chrono::milliseconds>(period, std::chrono::minutes(1)),
                     vod_tick_atom::value);
  return {
    [env](publish_atom, const std::string& topic, const std::string& id) {
      if (topic == vod_keeper_name)
        remove_vod_files(env.config->data_dir, id);
    },
    [self, env](vod_expire_atom) {
      auto promise = self->make_response_promise<std::uint64_t>();
      start_sweep(self, env, [promise](std::uint64_t n) mutable { promise.deliver(n); });
      return promise;
    },
    [self, env, period](vod_tick_atom) {
      start_sweep(self, env, [](std::uint64_t) {});
      self->delayed_send(self, period, vod_tick_atom::value);
    },
    [self, env](vod_swept_atom, std::uint64_t n, const std::string& rows) {
      sweep(self, env, n, rows);
    },
  };
}

}  // namespace

bool remove_vod_files(const std::filesystem::path& data_dir, std::string_view id) {
  if (!actors::vod_files::valid_id(id))
    return false;
  std::error_code ec;
  auto removed = std::filesystem::remove_all(actors::vod_files::dir(data_dir, id), ec);
  return !ec && removed > 0;
}

caf::actor spawn_vod_keeper(caf::actor_system& sys, const node_env& env,
                            std::chrono::milliseconds period) {
  return sys.spawn(keeper_behavior, env, period);
}

}  // namespace aethex::actors

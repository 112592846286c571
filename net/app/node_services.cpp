#include "net/app/node_services.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <vector>

#include <caf/all.hpp>

#include "actors/console_service.hpp"
#include "media/fmp4_relay.hpp"
#include "media/media_session.hpp"
#include "net/app/read_models.hpp"
#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"
#include "runtime/errors.hpp"
#include "runtime/placement.hpp"

namespace aethex::app {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using directory_atom = caf::atom_constant<caf::atom("directory")>;

constexpr auto member_timeout = 5s;

// Rows of `partitions` only; pages through the local model until `limit` of them are found.
json owned_rows(read_models& model, const directory_query& query,
                const std::set<std::uint32_t>& partitions) {
  json rows = json::array();
  auto after = query.after;
  for (;;) {
    auto page = model.list_channels(query.live_only, query.limit, after);
    for (auto& row : page) {
      if (partitions.count(runtime::partition_of("channel", row.name)) > 0)
        rows.push_back(directory_row_json(row));
      if (rows.size() == query.limit)
        return rows;
    }
    if (page.size() < query.limit)
      return rows;
    after = page.back().name;
  }
}

}  // namespace

json directory_row_json(const storage::channel_directory::channel& row) {
  return json{{"name", row.name},
              {"title", row.title},
              {"category", row.category},
              {"owner", row.owner},
              {"live", row.live},
              {"hls", "/hls/" + row.name + "/index.m3u8"},
              {"started_at_ms", nullptr},
              {"viewers", 0},
              {"updated_ms", row.updated_ms}};
}

caf::actor spawn_node_services(caf::actor_system& sys, std::shared_ptr<read_models> read_model,
                               caf::actor media, caf::actor chat_hub) {
  return sys.spawn([read_model, media, chat_hub](caf::event_based_actor* self) -> caf::behavior {
    auto console = std::make_shared<caf::actor>();
    return {
      [read_model](directory_atom, bool live_only, std::uint64_t limit, const std::string& after,
                   const std::vector<std::uint32_t>& partitions) -> caf::result<std::string> {
        if (!read_model)
          return make_error(errc::unavailable, "the channel directory is not available");
        directory_query query{live_only, static_cast<std::size_t>(limit), after};
        try {
          return owned_rows(*read_model, query, {partitions.begin(), partitions.end()}).dump();
        } catch (const std::exception&) {
          return make_error(errc::unavailable, "the channel directory is not available");
        }
      },
      // Another node's viewers want a channel ingested here: one relay source per such node.
      [self, media](media::relay_atom, const std::string& channel,
                    const caf::actor& sink) -> caf::result<caf::actor> {
        auto promise = self->make_response_promise<caf::actor>();
        self->request(media, member_timeout, media::media_outputs_atom::value, channel)
          .then(
            [self, promise, channel, sink](media::media_outputs& outputs) mutable {
              if (outputs.fmp4)
                promise.deliver(
                  media::spawn_relay_source(self->system(), outputs.fmp4, channel, sink));
              else
                promise.deliver(make_error(errc::not_found, "channel is not live"));
            },
            [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
        return promise;
      },
      // This node's load: {chat sockets in rooms, streams ingested here}.
      [self, media, chat_hub](runtime::load_atom) -> caf::result<std::vector<std::uint64_t>> {
        auto promise = self->make_response_promise<std::vector<std::uint64_t>>();
        self->request(chat_hub, member_timeout, runtime::load_atom::value)
          .then(
            [self, promise, media](std::uint64_t sockets) mutable {
              self->request(media, member_timeout, runtime::load_atom::value)
                .then(
                  [promise, sockets](std::uint64_t streams) mutable {
                    promise.deliver(std::vector<std::uint64_t>{sockets, streams});
                  },
                  [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
            },
            [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
        return promise;
      },
      // Set once at start: the node's console, for commands other members forward here.
      [console](actors::console_atom, const caf::actor& local_console) { *console = local_console; },
      [self, console](actors::console_atom,
                      std::vector<std::string>& words) -> caf::result<caf::message> {
        if (!*console)
          return make_error(errc::unavailable, "the console is not running on this node");
        return self->delegate(*console, actors::console_atom::value, std::move(words));
      },
    };
  });
}

void list_cluster_channels(caf::actor_system& sys, const caf::actor& membership,
                           directory_query query,
                           std::function<void(caf::expected<json>)> done) {
  sys.spawn([membership, query = std::move(query),
             done = std::move(done)](caf::event_based_actor* self) {
    self->request(membership, member_timeout, get_atom::value)
      .then(
        [self, query, done](const runtime::cluster_view& view) {
          struct gather {
            std::vector<json> rows;
            std::size_t pending = 0;
            bool failed = false;
          };
          auto state = std::make_shared<gather>();
          auto finish = [state, query, done] {
            if (--state->pending > 0 || state->failed)
              return;
            std::sort(state->rows.begin(), state->rows.end(),
                      [](const json& a, const json& b) { return a["name"] < b["name"]; });
            if (state->rows.size() > query.limit)
              state->rows.resize(query.limit);
            done(json(state->rows));
          };
          for (auto& member : view.members) {
            std::vector<std::uint32_t> owned;
            for (std::uint32_t p = 0; p < view.table.owners.size(); ++p)
              if (view.table.owners[p] == member.node_id)
                owned.push_back(p);
            if (owned.empty() || !member.services)
              continue;
            ++state->pending;
            self->request(member.services, member_timeout, directory_atom::value,
                          query.live_only, static_cast<std::uint64_t>(query.limit), query.after,
                          owned)
              .then(
                [state, finish](const std::string& text) {
                  for (auto& row : json::parse(text, nullptr, false))
                    state->rows.push_back(row);
                  finish();
                },
                [state, done](caf::error& err) {
                  if (!state->failed)
                    done(std::move(err));
                  state->failed = true;
                });
          }
          if (state->pending == 0)
            done(json::array());
        },
        [done](caf::error& err) { done(std::move(err)); });
  });
}

}  // namespace aethex::app

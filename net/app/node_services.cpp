#include "net/app/node_services.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <vector>

#include <caf/all.hpp>

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

constexpr auto member_timeout = 5s;
constexpr auto chat_rate_interval = 5s;

// The chat hub counts messages fanned out here; their rate over the last interval.
struct chat_rate {
  std::uint64_t last_total = 0;
  std::chrono::steady_clock::time_point last_at{};
  std::uint64_t per_s_milli = 0;

  void sample(std::uint64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (last_at != std::chrono::steady_clock::time_point{} && total >= last_total) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_at).count();
      if (ms > 0)
        per_s_milli = (total - last_total) * 1'000'000 / static_cast<std::uint64_t>(ms);
    }
    last_total = total;
    last_at = now;
  }
};

using chat_rate_tick_atom = caf::atom_constant<caf::atom("chatrate")>;

caf::expected<json> local_rows(read_models& model, const std::string& name, const json& args,
                               const std::set<std::uint32_t>& partitions) {
  return model.query(name, args, [&partitions](std::string_view kind, std::string_view id) {
    return partitions.count(runtime::partition_of(std::string{kind}, std::string{id})) > 0;
  });
}

}  // namespace

caf::actor spawn_node_services(caf::actor_system& sys, std::shared_ptr<read_models> read_model,
                               caf::actor media,
                               std::shared_ptr<actors::service_directory> services,
                               std::shared_ptr<response_cache> cache) {
  return sys.spawn([read_model, media, services,
                    cache](caf::event_based_actor* self) -> caf::behavior {
    auto chat = std::make_shared<chat_rate>();
    self->send(self, chat_rate_tick_atom::value);
    return {
      [self, services, chat](chat_rate_tick_atom) {
        if (auto hub = services->find(actors::service_names::chat_hub))
          self->request(hub, member_timeout, metrics_atom::value)
            .then(
              [chat](const std::vector<std::uint64_t>& figures) {
                if (figures.size() == 3)
                  chat->sample(figures[2]);
              },
              [](caf::error&) {});
        self->delayed_send(self, chat_rate_interval, chat_rate_tick_atom::value);
      },
      // This member's live figures: {live channels ingested here, their viewers, ingest
      // kbit/s, chat messages/s × 1000}.
      [self, media, chat](overview_atom) -> caf::result<std::vector<std::uint64_t>> {
        auto promise = self->make_response_promise<std::vector<std::uint64_t>>();
        self->request(media, member_timeout, media::media_figures_atom::value)
          .then(
            [promise, chat](const std::vector<media::session_figures>& sessions) mutable {
              std::uint64_t viewers = 0, kbps = 0;
              for (const auto& s : sessions) {
                viewers += s.ws_viewers + s.hls_viewers + s.ll_hls_viewers;
                kbps += s.bitrate_kbps;
              }
              promise.deliver(std::vector<std::uint64_t>{sessions.size(), viewers, kbps,
                                                         chat->per_s_milli});
            },
            [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
        return promise;
      },
      [cache](changed_atom, const std::vector<std::string>& kinds) {
        if (cache)
          cache->invalidate(kinds);
      },
      [read_model](query_atom, const std::string& name, const std::string& args,
                   const std::vector<std::uint32_t>& partitions) -> caf::result<std::string> {
        if (!read_model)
          return make_error(errc::unavailable, "the read models are not available");
        auto rows = local_rows(*read_model, name, json::parse(args, nullptr, false),
                               {partitions.begin(), partitions.end()});
        if (!rows)
          return rows.error();
        return rows->dump();
      },
      // Another node's viewers want a channel ingested here, its source ("<channel>") or a
      // rendition ("<channel>/<rendition>"): one relay source per such node and stream.
      [self, media](media::relay_atom, const std::string& stream,
                    const caf::actor& sink) -> caf::result<caf::actor> {
        auto promise = self->make_response_promise<caf::actor>();
        auto named = media::split_relay_key(stream);
        const auto& channel = named.first;
        auto rendition = named.second;
        self->request(media, member_timeout, media::media_outputs_atom::value, channel)
          .then(
            [self, promise, stream, rendition, sink](media::media_outputs& outputs) mutable {
              auto hub = outputs.fmp4;
              if (hub && !rendition.empty()) {
                auto r = outputs.renditions ? outputs.renditions->find(rendition) : std::nullopt;
                hub = r ? r->fmp4 : nullptr;
              }
              if (hub)
                promise.deliver(media::spawn_relay_source(self->system(), hub, stream, sink));
              else
                promise.deliver(make_error(errc::not_found, rendition.empty()
                                                              ? "channel is not live"
                                                              : "no such rendition is live"));
            },
            [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
        return promise;
      },
      // This node's load: {chat sockets in rooms, streams ingested here}.
      // The chat hub (a service of the chat module) counts the sockets.
      [self, media, services](runtime::load_atom) -> caf::result<std::vector<std::uint64_t>> {
        auto promise = self->make_response_promise<std::vector<std::uint64_t>>();
        self
          ->request(services->find(actors::service_names::chat_hub), member_timeout,
                    runtime::load_atom::value)
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
      // A plain send (node_env::publish) reaches the topic's service; a request is answered by
      // it (a member serving a slide page rendered here: actors/webinars, media/slide_renderer).
      [self, services](publish_atom, const std::string& topic,
                       std::string& payload) -> caf::result<caf::message> {
        auto listener = services->find(topic);
        if (!listener)
          return make_error(errc::unavailable, "no service '" + topic + "' on this member");
        return self->delegate(listener, publish_atom::value, topic, std::move(payload));
      },
      [self, services](console_atom, std::vector<std::string>& words) -> caf::result<caf::message> {
        auto console = services->find(actors::service_names::console);
        if (!console)
          return make_error(errc::unavailable, "the console is not running on this node");
        return self->delegate(console, console_atom::value, std::move(words));
      },
    };
  });
}

void announce_changes(caf::actor_system& sys, const caf::actor& membership,
                      std::string self_node_id, std::vector<std::string> kinds) {
  if (!membership || kinds.empty())
    return;
  sys.spawn([membership, self_node_id = std::move(self_node_id),
             kinds = std::move(kinds)](caf::event_based_actor* self) {
    self->request(membership, member_timeout, get_atom::value)
      .then(
        [self, self_node_id, kinds](const runtime::cluster_view& view) {
          for (auto& member : view.members)
            if (member.node_id != self_node_id && member.services)
              self->send(member.services, changed_atom::value, kinds);
        },
        [](caf::error&) {});  // members not told fall back on the cache's max age
  });
}

void publish_to_members(caf::actor_system& sys, const caf::actor& membership,
                        const caf::actor& local_services, std::string topic, std::string payload) {
  if (!membership) {
    caf::anon_send(local_services, publish_atom::value, std::move(topic), std::move(payload));
    return;
  }
  sys.spawn([membership, topic = std::move(topic),
             payload = std::move(payload)](caf::event_based_actor* self) {
    self->request(membership, member_timeout, get_atom::value)
      .then(
        [self, topic, payload](const runtime::cluster_view& view) {
          for (auto& member : view.members)
            if (member.services)
              self->send(member.services, publish_atom::value, topic, payload);
        },
        [](caf::error&) {});  // best effort, as documented for node_env::publish
  });
}

void query_read_models(caf::actor_system& sys, const caf::actor& membership,
                       std::shared_ptr<read_models> read_model, std::string name, json args,
                       std::function<void(caf::expected<std::vector<json>>)> done) {
  if (!read_model)
    return done(make_error(errc::unavailable, "the read models are not available"));
  if (!membership) {
    auto rows = read_model->query(name, args,
                                  [](std::string_view, std::string_view) { return true; });
    if (!rows)
      return done(rows.error());
    return done(std::vector<json>(rows->begin(), rows->end()));
  }
  sys.spawn([membership, name = std::move(name), args = args.dump(),
             done = std::move(done)](caf::event_based_actor* self) {
    self->request(membership, member_timeout, get_atom::value)
      .then(
        [self, name, args, done](const runtime::cluster_view& view) {
          struct gather {
            std::vector<json> rows;
            std::size_t pending = 0;
            bool failed = false;
          };
          auto state = std::make_shared<gather>();
          auto finish = [state, done] {
            if (--state->pending == 0 && !state->failed)
              done(std::move(state->rows));
          };
          for (auto& member : view.members) {
            std::vector<std::uint32_t> owned;
            for (std::uint32_t p = 0; p < view.table.owners.size(); ++p)
              if (view.table.owners[p] == member.node_id)
                owned.push_back(p);
            if (owned.empty() || !member.services)
              continue;
            ++state->pending;
            self->request(member.services, member_timeout, query_atom::value, name, args, owned)
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
            done(std::vector<json>{});
        },
        [done](caf::error& err) { done(std::move(err)); });
  });
}

}  // namespace aethex::app

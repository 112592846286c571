// The node's own routes (no domain's): GET /api/v1/health for load balancers (503 "degraded"
// when the read models are stuck), GET /api/v1/openapi.json, and the cluster's.
// GET /api/v1/cluster (admin): members, their addresses, partitions and load (live entity
// activations, chat sockets, streams ingested): the cluster's layout is for operators only.
// POST /api/v1/cluster/drain (admin): move this node's partitions to the other members.
// GET /api/v1/admin/overview (admin): each member's live channels, viewers, ingest bitrate and
// chat messages/s, and their totals.
#include <memory>
#include <sstream>

#include <caf/all.hpp>

#include "net/app/node_routes.hpp"
#include "net/app/openapi.hpp"
#include "net/app/read_models.hpp"
#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"
#include "runtime/errors.hpp"
#include "storage/raft/host.hpp"

namespace aethex::app {
namespace {

using json = nlohmann::json;
using actors::route_reply;
using actors::route_response;

using namespace std::chrono_literals;
using runtime::drain_atom;

constexpr auto drain_timeout = 120s;

// Replicated partitions: each group's term, leader and members as this node's Raft host knows
// them ("group term leader member…", a learner marked "?").
json raft_groups(const std::vector<std::string>& lines) {
  auto groups = json::array();
  for (auto& line : lines) {
    std::istringstream words{line};
    std::uint32_t group = 0;
    std::uint64_t term = 0;
    std::string leader, member;
    words >> group >> term >> leader;
    auto voters = json::array(), learners = json::array();
    while (words >> member)
      if (member.ends_with('?'))
        learners.push_back(member.substr(0, member.size() - 1));
      else
        voters.push_back(member);
    groups.push_back({{"group", group},
                      {"term", term},
                      {"leader", leader == "-" ? json(nullptr) : json(leader)},
                      {"voters", voters},
                      {"learners", learners}});
  }
  return groups;
}

// Collects every member's activation count, then answers once (missing replies count as -1).
void describe_cluster(const node_route_context& ctx, route_reply respond) {
  ctx.sys->spawn([membership = ctx.membership, node_id = ctx.node_id,
                  respond = std::move(respond)](caf::event_based_actor* self) {
    self->request(membership, 5s, get_atom::value)
      .then(
        [self, respond, node_id](runtime::cluster_view& view) {
          auto result = std::make_shared<json>(json::object());
          auto partitions = view.table.counts();
          (*result)["partition_count"] = runtime::partition_count;
          (*result)["table_version"] = view.table.version;
          (*result)["members"] = json::array();
          // Two answers per member (entities from its registry, sockets and streams from its
          // services); missing answers count as -1.
          auto* local = view.find(node_id);
          bool ask_raft = view.table.is_replicated() && local != nullptr && local->raft;
          auto pending = std::make_shared<std::size_t>(2 * view.members.size() + ask_raft);
          auto finish = [result, pending, respond] {
            if (--*pending == 0)
              respond(route_response{200, result->dump()});
          };
          if (ask_raft) {
            (*result)["replication"] = json{{"owners", view.table.owners},
                                            {"terms", view.table.terms},
                                            {"groups", json::array()}};
            self->request(local->raft, 2s, storage::raft::status_atom::value)
              .then(
                [result, finish](const std::vector<std::string>& lines) {
                  (*result)["replication"]["groups"] = raft_groups(lines);
                  finish();
                },
                [finish](caf::error&) { finish(); });
          }
          for (std::size_t i = 0; i < view.members.size(); ++i) {
            auto& member = view.members[i];
            std::uint32_t owned = 0;
            for (auto& [node, count] : partitions)
              if (node == member.node_id)
                owned = count;
            (*result)["members"].push_back(json{{"node_id", member.node_id},
                                                {"http", member.http_endpoint},
                                                {"joined_ms", member.joined_ms},
                                                {"status", "up"},
                                                {"role", owned > 0 ? "owner" : "edge"},
                                                {"partitions", owned},
                                                {"entities", -1},
                                                {"sockets", -1},
                                                {"streams", -1}});
            self->request(member.registry, 2s, list_atom::value)
              .then(
                [result, i, finish](const std::vector<std::string>& live) {
                  (*result)["members"][i]["entities"] = live.size();
                  finish();
                },
                [finish](caf::error&) { finish(); });
            if (!member.services) {
              finish();
              continue;
            }
            self->request(member.services, 2s, runtime::load_atom::value)
              .then(
                [result, i, finish](const std::vector<std::uint64_t>& load) {
                  if (load.size() == 2) {
                    (*result)["members"][i]["sockets"] = load[0];
                    (*result)["members"][i]["streams"] = load[1];
                  }
                  finish();
                },
                [finish](caf::error&) { finish(); });
          }
        },
        [respond](caf::error& err) { respond(std::move(err)); });
  });
}

json overview_row(const std::string& node, const std::vector<std::uint64_t>& figures) {
  bool known = figures.size() == 4;
  auto at = [&](std::size_t i) { return known ? json(figures[i]) : json(nullptr); };
  return json{{"node", node},
              {"live_channels", at(0)},
              {"viewers", at(1)},
              {"ingest_kbps", at(2)},
              {"chat_messages_per_s", known ? json(double(figures[3]) / 1000.0) : json(nullptr)}};
}

// Every member's live figures and their sum; a member that does not answer shows nulls.
void overview(const node_route_context& ctx, route_reply respond) {
  ctx.sys->spawn([ctx, respond = std::move(respond)](caf::event_based_actor* self) {
    auto ask_members = [self, respond](std::vector<std::pair<std::string, caf::actor>> members) {
      auto rows = std::make_shared<std::vector<json>>(members.size());
      auto pending = std::make_shared<std::size_t>(members.size());
      auto finish = [rows, pending, respond] {
        if (--*pending > 0)
          return;
        json totals{
          {"live_channels", 0}, {"viewers", 0}, {"ingest_kbps", 0}, {"chat_messages_per_s", 0.0}};
        for (const auto& row : *rows)
          for (auto& [name, sum] : totals.items())
            if (row[name].is_number())
              sum = sum.is_number_float()
                      ? json(sum.get<double>() + row[name].get<double>())
                      : json(sum.get<std::uint64_t>() + row[name].get<std::uint64_t>());
        respond(route_response::json(200, json{{"members", *rows}, {"totals", totals}}));
      };
      for (std::size_t i = 0; i < members.size(); ++i) {
        auto node = members[i].first;
        (*rows)[i] = overview_row(node, {});
        if (!members[i].second) {
          finish();
          continue;
        }
        self->request(members[i].second, 3s, overview_atom::value)
          .then(
            [rows, i, node, finish](const std::vector<std::uint64_t>& figures) {
              (*rows)[i] = overview_row(node, figures);
              finish();
            },
            [finish](caf::error&) { finish(); });
      }
    };
    if (!ctx.membership)
      return ask_members({{ctx.node_id, ctx.services}});
    self->request(ctx.membership, 5s, get_atom::value)
      .then(
        [ask_members](runtime::cluster_view& view) {
          std::vector<std::pair<std::string, caf::actor>> members;
          for (const auto& m : view.members)
            members.emplace_back(m.node_id, m.services);
          ask_members(std::move(members));
        },
        [respond](caf::error& err) { respond(std::move(err)); });
  });
}

// Answers once the leader reports the node owns no partition; the node keeps serving as an edge.
void drain_node(const node_route_context& ctx, route_reply respond) {
  ctx.sys->spawn([membership = ctx.membership, node = ctx.node_id,
                  respond = std::move(respond)](caf::event_based_actor* self) {
    self->request(membership, drain_timeout, drain_atom::value)
      .then(
        [respond, node](const std::string&) {
          respond(route_response::json(
            200, json{{"node_id", node}, {"partitions", 0}, {"drained", true}}));
        },
        [respond](caf::error& err) { respond(std::move(err)); });
  });
}

}  // namespace

void add_node_routes(actors::route_table& routes, const node_route_context& ctx) {
  using enum actors::http_method;
  using actors::access;
  routes.add(
    get, "health", access::anyone,
    [ctx](actors::route_request&&, route_reply reply) {
      if (auto failed = ctx.read_model ? ctx.read_model->last_error() : std::nullopt)
        return reply(route_response::json(503,
                                          json{{"status", "degraded"}, {"read_models", *failed}}));
      reply(route_response{200, R"({"status":"ok"})"});
    },
    "200 ok, or 503 degraded when the read models stopped catching up");
  routes.add(
    post, "admin/test-clock", access::admin,
    [ctx](actors::route_request&& req, route_reply reply) {
      if (!ctx.test_clock)
        return reply(make_error(errc::not_found, "this node runs without --test-clock"));
      auto body = json::parse(req.body, nullptr, false);
      auto seconds = body.is_object() ? body.value("advance_s", json{}) : json{};
      // Up to ten years at a time: enough for any hold or renewal, far from overflow.
      if (!seconds.is_number_integer() || seconds.get<std::int64_t>() < 0 ||
          seconds.get<std::int64_t>() > 315'360'000)
        return reply(make_error(errc::invalid_argument,
                                "advance_s: whole seconds from 0 to 315360000"));
      ctx.test_clock->advance(std::chrono::seconds(seconds.get<std::int64_t>()));
      reply(route_response::json(200, json{{"now_ms", ctx.test_clock->now_ms()}}));
    },
    "move the node's clock forward {\"advance_s\"} (admin; only with serve --test-clock)");
  routes.add(
    get, "cluster", access::admin,
    [ctx](actors::route_request&&, route_reply reply) {
      if (!ctx.membership)
        return reply(make_error(errc::unavailable, "cluster membership not running"));
      describe_cluster(ctx, std::move(reply));
    },
    "members, partitions and load (admin)");
  routes.add(
    get, "admin/overview", access::admin,
    [ctx](actors::route_request&&, route_reply reply) { overview(ctx, std::move(reply)); },
    "live channels, viewers, ingest bitrate and chat messages/s per cluster member (admin)");
  routes.add(
    post, "cluster/drain", access::admin,
    [ctx](actors::route_request&&, route_reply reply) {
      if (!ctx.membership)
        return reply(make_error(errc::conflict, "this node is not in a cluster"));
      drain_node(ctx, std::move(reply));
    },
    "move this node's partitions to the other members (admin)");
  // Last, so the description covers every route, itself included.
  auto document = std::make_shared<std::string>();
  routes.add(
    get, "openapi.json", access::anyone,
    [document](actors::route_request&&, route_reply reply) {
      reply(route_response{200, *document});
    },
    "this API's OpenAPI 3.1 description");
  *document = openapi_document(routes).dump();
}

}  // namespace aethex::app

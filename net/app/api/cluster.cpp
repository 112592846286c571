// GET /api/v1/cluster (admin): members, their addresses, partitions and load (live entity
// activations, chat sockets, streams ingested): the cluster's layout is for operators only.
// POST /api/v1/cluster/drain (admin): move this node's partitions to the other members.
#include <memory>

#include <boost/beast/http/verb.hpp>
#include <caf/all.hpp>

#include "net/app/api/api.hpp"
#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"

namespace aethex::app::api {
namespace {

using namespace std::chrono_literals;
using runtime::drain_atom;

constexpr auto drain_timeout = 120s;

// Collects every member's activation count, then answers once (missing replies count as -1).
void describe_cluster(const http_context& ctx, net::http::respond_fn respond) {
  ctx.sys->spawn([membership = ctx.membership,
                  respond = std::move(respond)](caf::event_based_actor* self) {
    self->request(membership, 5s, get_atom::value)
      .then(
        [self, respond](runtime::cluster_view& view) {
          auto result = std::make_shared<json>(json::object());
          auto partitions = view.table.counts();
          (*result)["partition_count"] = runtime::partition_count;
          (*result)["table_version"] = view.table.version;
          (*result)["members"] = json::array();
          // Two answers per member (entities from its registry, sockets and streams from its
          // services); missing answers count as -1.
          auto pending = std::make_shared<std::size_t>(2 * view.members.size());
          auto finish = [result, pending, respond] {
            if (--*pending == 0)
              respond(net::http::json_response(200, result->dump()));
          };
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
        [respond](caf::error& err) { respond(error_from(err)); });
  });
}

// Answers once the leader reports the node owns no partition; the node keeps serving as an edge.
void drain_node(const http_context& ctx, net::http::respond_fn respond) {
  ctx.sys->spawn([membership = ctx.membership, node = ctx.node_id,
                  respond = std::move(respond)](caf::event_based_actor* self) {
    self->request(membership, drain_timeout, drain_atom::value)
      .then([respond, node](const std::string&) {
              respond(net::http::json_response(
                200, json{{"node_id", node}, {"partitions", 0}, {"drained", true}}.dump()));
            },
            [respond](caf::error& err) { respond(error_from(err)); });
  });
}

}  // namespace

void add_cluster_routes(route_table& routes, const http_context& ctx) {
  routes.push_back([ctx](const api_request& req, net::http::respond_fn& respond) {
    if (req.segments.size() != 2 || req.segments[0] != "cluster" || req.segments[1] != "drain")
      return false;
    if (req.http.method() != boost::beast::http::verb::post)
      respond(net::http::error_response(405, "method_not_allowed", "use POST"));
    else if (!is_admin(ctx, req.http))
      respond(net::http::error_response(401, "unauthorized", "the admin token is required"));
    else if (!ctx.membership)
      respond(net::http::error_response(409, "conflict", "this node is not in a cluster"));
    else
      drain_node(ctx, std::move(respond));
    return true;
  });
  routes.push_back([ctx](const api_request& req, net::http::respond_fn& respond) {
    if (req.segments.size() != 1 || req.segments[0] != "cluster" ||
        req.http.method() != boost::beast::http::verb::get)
      return false;
    if (!is_admin(ctx, req.http))
      respond(net::http::error_response(401, "unauthorized", "the admin token is required"));
    else if (!ctx.membership)
      respond(net::http::error_response(503, "unavailable", "cluster membership not running"));
    else
      describe_cluster(ctx, std::move(respond));
    return true;
  });
}

}  // namespace aethex::app::api

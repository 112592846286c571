#include "net/live/edge_redirect.hpp"

#include <boost/beast/http/field.hpp>
#include <caf/all.hpp>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "runtime/atoms.hpp"
#include "runtime/cluster.hpp"

namespace aethex::live {

using namespace std::chrono_literals;

void redirect_to_ingest_node(const live_context& ctx, const std::string& channel,
                             const std::string& target, net::http::response fallback,
                             net::http::respond_fn respond) {
  if (!ctx.membership || !actors::valid_channel_name(channel))
    return respond(std::move(fallback));
  ctx.sys->spawn([ctx, channel, target, fallback = std::move(fallback),
                  respond = std::move(respond)](caf::event_based_actor* self) mutable {
    auto give_up = [fallback, respond](caf::error&) mutable { respond(std::move(fallback)); };
    actors::entity_ref<actors::channel_protocol>{ctx.registry, channel}
      .request_within(self, 5s, get_atom::value)
      .then(
        [self, ctx, target, fallback, respond, give_up](actors::channel_view& view) mutable {
          if (!view.live || view.ingest_node.empty() || view.ingest_node == ctx.node_id)
            return respond(std::move(fallback));
          self->request(ctx.membership, 5s, get_atom::value)
            .then(
              [target, node = view.ingest_node, fallback,
               respond](runtime::cluster_view& cluster) mutable {
                auto* member = cluster.find(node);
                if (!member)
                  return respond(std::move(fallback));
                net::http::response res{boost::beast::http::status::found, 11};
                res.set(boost::beast::http::field::location,
                        "http://" + member->http_endpoint + target);
                res.set(boost::beast::http::field::cache_control, "no-store");
                res.set(boost::beast::http::field::access_control_allow_origin, "*");
                respond(std::move(res));
              },
              give_up);
        },
        give_up);
  });
}

}  // namespace aethex::live

#include "net/live/chat_ws.hpp"

#include "actors/chat/chat_fanout.hpp"
#include "actors/chat/viewer_session.hpp"
#include "net/ws/chat_socket.hpp"

namespace aethex::live {

ws_module make_chat_ws(const live_context& ctx, const caf::actor& hub,
                       const actors::chat_options& options) {
  actors::viewer_context viewer{ctx.registry, hub, ctx.admin_token_digest, options, ctx.services};
  auto endpoint = std::make_shared<net::ws::chat_endpoint>(*ctx.sys, std::move(viewer));
  return [endpoint](std::string_view path, boost::beast::tcp_stream& stream,
                    net::http::request& req, const std::string& peer) {
    if (path != "/ws")
      return false;
    endpoint->serve(std::move(stream), std::move(req), peer);
    return true;
  };
}

ws_module make_chat_ws(const live_context& ctx) {
  return make_chat_ws(ctx, ctx.services->find(actors::service_names::chat_hub));
}

}  // namespace aethex::live

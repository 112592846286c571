#include "net/app/chat_ws.hpp"

#include "actors/viewer_session.hpp"
#include "net/ws/chat_socket.hpp"

namespace aethex::app {

ws_module make_chat_ws(const http_context& ctx, const caf::actor& hub,
                       const actors::chat_options& options) {
  actors::viewer_context viewer{ctx.registry, hub, ctx.admin_token_digest, options};
  auto* sys = ctx.sys;
  return [sys, viewer](std::string_view path, boost::beast::tcp_stream& stream,
                       net::http::request& req, const std::string& peer) {
    if (path != "/ws")
      return false;
    net::ws::serve_chat_socket(std::move(stream), std::move(req), peer, *sys, viewer);
    return true;
  };
}

}  // namespace aethex::app

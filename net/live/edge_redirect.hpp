// Playback from any node: a stream file that is not here may be on the node that ingests the
// channel; answer with a redirect to that node's HTTP listener.
#pragma once

#include <string>

#include "net/live/live_context.hpp"

namespace aethex::live {

/// Looks up `channel`'s ingest node; responds 302 to `target` on that node, or `fallback`
/// when the channel is offline, ingested here, or its node is unknown.
void redirect_to_ingest_node(const live_context& ctx, const std::string& channel,
                             const std::string& target, net::http::response fallback,
                             net::http::respond_fn respond);

}  // namespace aethex::live

// A domain module: what one folder under actors/ contributes to a node. net/app loops over the
// module list (actors/modules.hpp) and calls each hook at its moment of the node's start; it
// knows no domain. Every hook has a default, so a module overrides only what it has.
//
// Order of the calls on every node: add_message_types (before the actor system exists, so the
// cluster can never miss a type) → add_kinds → add_projections / add_queries → add_console →
// start → add_routes.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/console_adapter.hpp"
#include "actors/core/outbound_http.hpp"
#include "actors/core/route.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"
#include "runtime/node_config.hpp"
#include "runtime/principal.hpp"
#include "storage/event_store.hpp"
#include "storage/read_model.hpp"

namespace aethex::actors {

/// A query over the SQLite read models, run on each member for the entities it owns (`owns`
/// says whether an entity's partition is this member's); the answer is a JSON array of rows.
using owns_fn = std::function<bool(std::string_view kind, std::string_view id)>;
using read_query = std::function<nlohmann::json(storage::sqlite::database& db,
                                                const nlohmann::json& args, const owns_fn& owns)>;
using read_query_table = std::map<std::string, read_query, std::less<>>;

/// Services that front ends and the node look up by name (each started by its module).
namespace service_names {
inline constexpr std::string_view chat_hub = "chat.hub";  // chat fan-out hub (chat module)
inline constexpr std::string_view console = "console";    // console service (console module)
inline constexpr std::string_view mail = "mail";  // (mail_atom, to, subject, text); net/mail
/// Renders clips on the member that holds the VOD (media/clip_renderer.hpp); reached by
/// node_env::publish with a job (actors/clip/clip.hpp).
inline constexpr std::string_view clip_renderer = "clip.renderer";
/// The media supervisor, as the topic (node_env::publish, JSON {"channel","session"}) on which
/// the member that ingests a session hears that the channel's owner ended it: it hangs up on
/// the publisher.
inline constexpr std::string_view end_stream = "media.end_stream";
/// Renders a webinar's PDF slides to PNG pages (media/slide_renderer.hpp, poppler); reached
/// by node_env::publish with a job (actors/webinars/webinars.hpp).
inline constexpr std::string_view slide_renderer = "slides.renderer";
/// Draws certificate PDFs (media/certificate_pdf.hpp, cairo) for actors/certificates.
inline constexpr std::string_view certificate_renderer = "certificates.renderer";
}  // namespace service_names

/// Named node-local actors that modules start ("chat.hub", "console"), for front ends and other
/// modules to find; the node stops them all at shutdown.
class service_directory {
 public:
  void add(std::string name, caf::actor actor);
  caf::actor find(std::string_view name) const;
  std::vector<caf::actor> all() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, caf::actor, std::less<>> services_;
};

/// Resolves a bearer token to a principal (the admin for the admin token, a session's user);
/// errc::unauthorized when it is neither. The identity module provides it.
using bearer_resolver =
  std::function<void(std::string token, std::function<void(caf::expected<runtime::principal>)>)>;

/// What the node gives its modules. Filled by net/app in the order of the hooks above; a hook
/// reads only what exists by its moment (registry from add_console on).
struct node_env {
  caf::actor_system* sys = nullptr;
  storage::event_store* store = nullptr;
  const runtime::node_config* config = nullptr;
  /// What entities read the time from (tests give a runtime::manual_clock); outlives the node.
  const runtime::clock* clock = &runtime::system_clock();
  std::string node_id;
  std::string admin_token_digest;  // SHA-256 of the node's admin token
  std::string http_endpoint;       // "host:port" other nodes and clients reach this one at
  std::int64_t started_at_ms = 0;
  std::vector<std::string> kinds;  // every entity kind of every module, after add_kinds
  caf::actor registry;
  caf::actor membership;  // null when the node is not clustered
  std::shared_ptr<service_directory> services = std::make_shared<service_directory>();
  /// Every module's console adapters, complete before any start().
  std::shared_ptr<const console::adapter_table> console_adapters;
  /// Runs read query `name` on every member (on this node alone when not clustered) and hands
  /// over each member's rows, merged in no particular order.
  std::function<void(std::string name, nlohmann::json args,
                     std::function<void(caf::expected<std::vector<nlohmann::json>>)>)>
    query;
  /// Hands `payload` to the node-local service named `topic` (env.services) on every member, this
  /// node included, as (publish_atom, topic, payload); members without one ignore it. Best effort:
  /// a member that cannot be reached misses it.
  std::function<void(std::string topic, std::string payload)> publish = [](std::string,
                                                                           std::string) {};
  /// Wakes the projections after a command appended events they read.
  std::function<void()> read_models_changed = [] {};
  /// Set by the identity module's start().
  bearer_resolver resolve_bearer;
  /// Sends an HTTP request off the node (net/app's transport); `done` runs on the transport's
  /// thread, so an entity must hand the answer to itself as a message. Filled before add_kinds.
  http_sender send_http = [](outbound_request,
                             std::function<void(caf::expected<outbound_response>)> done) {
    done(make_error(errc::unavailable, "no outbound HTTP"));
  };
};

class domain_module {
 public:
  virtual ~domain_module() = default;
  virtual std::string_view name() const = 0;

  /// CAF types its messages carry between nodes.
  virtual void add_message_types(caf::actor_system_config&) const {}
  /// Its entity kinds (factories by kind name).
  virtual void add_kinds(runtime::entity_kinds&, const node_env&) const {}
  /// Its SQLite projections.
  virtual void add_projections(storage::projection_runner&) const {}
  /// Its read-model queries, by name (env.query runs them across the cluster).
  virtual void add_queries(read_query_table&) const {}
  /// Its console adapters (what `send`/`ask` may do with its kinds).
  virtual void add_console(console::adapter_table&) const {}
  /// Starts its node-local actors and registers them in env.services.
  virtual void start(node_env&) const {}
  /// Its REST routes and owner checks.
  virtual void add_routes(route_table&, const node_env&) const {}
};

using module_list = std::vector<std::unique_ptr<domain_module>>;

/// A route handler that runs `fn(env, request, reply)`: the shape of most domain handlers.
template <class Fn>
route_handler with_env(const node_env& env, Fn fn) {
  return [env, fn](route_request&& req, route_reply reply) {
    fn(env, std::move(req), std::move(reply));
  };
}

/// pass_json_text for a write: once it succeeded, the read models are woken first, so a list or
/// statement read next catches up at once.
inline auto pass_written_json_text(const node_env& env, route_reply reply, unsigned status = 200) {
  return [env, reply = std::move(reply), status](caf::expected<std::string> text) {
    if (text)
      env.read_models_changed();
    pass_json_text(reply, status)(std::move(text));
  };
}

/// For an `anyone` route whose answer depends on who asks (the binding hands such routes the
/// anonymous principal even when a token came along): resolves the bearer token into `req.who`
/// (env.resolve_bearer), then runs `handler`. A token that does not resolve counts as none, so
/// public answers stay visible with a stale session.
route_handler with_caller(const node_env& env, route_handler handler);

}  // namespace aethex::actors

// The Spotify part of DJ mode as its own module (`domain(spotify)` in actors/modules.cpp), so the
// music module needs no hook: the spotify/<channel> kind, its routes, and the read model of
// linked channels that wakes their pollers when a node starts or takes over a partition.
#include <caf/all.hpp>

#include "actors/channel/channel.hpp"
#include "actors/core/entity_ref.hpp"
#include "actors/core/read_model_support.hpp"
#include "actors/music/spotify.hpp"

namespace aethex::actors::spotify {
namespace {

using json = nlohmann::json;
using spotify_ref = entity_ref<spotify_protocol>;

constexpr std::string_view links_query = "spotify.linked";
constexpr std::string_view spotify_stream_prefix = "spotify/";
// How often each node wakes its linked channels' pollers: after a start, a crash or a partition
// moving here, polling resumes within this (an entity activates on its first message).
constexpr auto wake_every = std::chrono::seconds(30);

const storage::event_schema_registry& spotify_schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (auto type : {"spotify.linked", "spotify.token_rotated", "spotify.unlinked"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

// spotify_links(channel): the channels with a link, and nothing of the tokens.
class links_projection final : public storage::projection {
 public:
  std::string name() const override { return "spotify_links"; }
  void create_schema(storage::sqlite::database& db) override {
    db.exec("CREATE TABLE IF NOT EXISTS spotify_links(channel TEXT PRIMARY KEY)");
  }
  void reset(storage::sqlite::database& db) override { db.exec("DELETE FROM spotify_links"); }
  void apply(storage::sqlite::transaction& tx, const storage::recorded_event& e) override {
    if (!e.stream.starts_with(spotify_stream_prefix) || e.data.type == "spotify.token_rotated")
      return;
    (void)projected_payload(spotify_schemas(), e, "spotify_links");  // refuses newer schemas
    auto channel = e.stream.substr(spotify_stream_prefix.size());
    if (e.data.type == "spotify.linked")
      tx.db()
        .prepare("INSERT OR IGNORE INTO spotify_links(channel) VALUES(?1)")
        .bind(1, channel)
        .run();
    else if (e.data.type == "spotify.unlinked")
      tx.db().prepare("DELETE FROM spotify_links WHERE channel = ?1").bind(1, channel).run();
  }
  std::optional<std::uint64_t> row_count(storage::sqlite::database& db) const override {
    auto count = db.prepare("SELECT COUNT(*) FROM spotify_links");
    count.step();
    return static_cast<std::uint64_t>(count.column_int64(0));
  }
};

json linked_channels(storage::sqlite::database& db, const json&, const owns_fn& owns) {
  auto rows = json::array();
  auto q = db.prepare("SELECT channel FROM spotify_links");
  while (q.step())
    if (auto channel = q.column_text(0); owns("spotify", channel))
      rows.push_back({{"channel", channel}});
  return rows;
}

caf::behavior waker(caf::event_based_actor* self, node_env env) {
  self->delayed_send(self, std::chrono::seconds(1), spotify_wake_atom::value);
  return {[self, env](spotify_wake_atom) {
    self->delayed_send(self, wake_every, spotify_wake_atom::value);
    env.query(std::string{links_query}, json::object(),
              [registry = env.registry](caf::expected<std::vector<json>> rows) {
                if (rows)
                  for (const auto& row : *rows)
                    spotify_ref{registry, row.value("channel", "")}.tell(spotify_wake_atom::value);
              });
  }};
}

// --- routes ---

const runtime::spotify_config& config_of(const node_env& env) { return env.config->spotify; }

caf::error not_configured() {
  return make_error(errc::unavailable,
                    "Spotify is not configured on this node (serve --spotify-client-id and "
                    "--spotify-client-secret)",
                    "spotify_not_configured");
}

void link_route(const node_env& env, route_request&& req, route_reply reply) {
  const auto& config = config_of(env);
  if (!configured(config))
    return reply(not_configured());
  auto channel = req.param("channel");
  auto redirect = redirect_uri(config, env.http_endpoint);
  // fetch() from the dashboard cannot read a cross-origin redirect: it asks for JSON instead.
  auto accept = req.headers.find("accept");
  bool wants_json = accept != req.headers.end() &&
                    accept->second.find("application/json") != std::string::npos;
  spotify_ref{env.registry, channel}
    .ask(spotify_link_atom::value, req.who.name, redirect)
    .then(*env.sys, [env, channel, redirect, wants_json, reply](caf::expected<std::string> nonce) {
      if (!nonce)
        return reply(nonce.error());
      auto url = authorize_url(config_of(env), redirect, make_state(channel, *nonce));
      if (wants_json)
        return reply(route_response::json(200, json{{"url", url}}));
      route_response res{302, json{{"url", url}}.dump()};
      res.headers.emplace_back("Location", url);
      reply(std::move(res));
    });
}

void callback_route(const node_env& env, route_request&& req, route_reply reply) {
  auto state = req.query_param("state");
  auto parts = state ? split_state(*state) : std::nullopt;
  if (!parts || !valid_channel_name(parts->first))
    return reply(make_error(errc::invalid_argument, "'state' is missing or not this node's"));
  auto code = form_decode(req.query_param("code").value_or(""));
  auto error = form_decode(req.query_param("error").value_or(""));
  if (!code || !error || code->size() > code_max_bytes || error->size() > 256)
    return reply(make_error(errc::invalid_argument, "'code' or 'error' is malformed"));
  if (code->empty() && error->empty())
    return reply(make_error(errc::invalid_argument, "'code' is missing"));
  auto channel = parts->first;
  spotify_ref{env.registry, channel}
    .ask(spotify_callback_atom::value, parts->second, *code, *error)
    .then(*env.sys, [env, channel, reply](caf::expected<std::string> done) {
      if (!done)
        return reply(done.error());
      env.read_models_changed();
      // Back to the dashboard, which shows the outcome (spotify=linked or denied).
      auto to = "/dashboard?" + form_encode({{"channel", channel}, {"spotify", *done}});
      route_response res{302, json{{"spotify", *done}, {"channel", channel}}.dump()};
      res.headers.emplace_back("Location", to);
      reply(std::move(res));
    });
}

void status_route(const node_env& env, route_request&& req, route_reply reply) {
  spotify_ref{env.registry, req.param("channel")}
    .ask(spotify_status_atom::value)
    .then(*env.sys, [env, reply](caf::expected<std::string> text) {
      if (!text)
        return reply(text.error());
      auto out = json::parse(*text);
      out["configured"] = configured(config_of(env));
      reply(route_response::json(200, out));
    });
}

void unlink_route(const node_env& env, route_request&& req, route_reply reply) {
  spotify_ref{env.registry, req.param("channel")}
    .ask(spotify_unlink_atom::value, req.who.name)
    .then(*env.sys, [env, reply](caf::expected<std::string> done) {
      if (!done)
        return reply(done.error());
      env.read_models_changed();
      reply(route_response{204, {}});
    });
}

class spotify_domain final : public domain_module {
 public:
  std::string_view name() const override { return "spotify"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_spotify_kind(kinds, env);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<links_projection>());
  }

  void add_queries(read_query_table& queries) const override {
    queries[std::string{links_query}] = linked_channels;
  }

  // Nothing polls on a node without credentials.
  void start(node_env& env) const override {
    if (configured(config_of(env)))
      env.sys->spawn(waker, env);
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_spotify_routes(routes, env);
  }
};

}  // namespace
}  // namespace aethex::actors::spotify

namespace aethex::actors {

void add_spotify_routes(route_table& routes, const node_env& env) {
  using enum http_method;
  using namespace spotify;
  routes
    .add(get, "channels/{channel}/music/spotify", access::owner, with_env(env, status_route),
         "whether the channel has a Spotify account linked and the node is configured for it")
    .scope = "channel:manage";
  auto& link = routes.add(get, "channels/{channel}/music/spotify/link", access::owner,
                          with_env(env, link_route),
                          "302 to Spotify's authorize page to link an account ({\"url\"} with "
                          "Accept: application/json)");
  link.scope = "channel:manage";
  link.headers = {"accept"};
  routes
    .add(del, "channels/{channel}/music/spotify", access::owner, with_env(env, unlink_route),
         "unlinks the channel's Spotify account")
    .scope = "channel:manage";
  routes.add(get, "music/spotify/callback", access::anyone, with_env(env, callback_route),
             "where Spotify sends the browser back with ?code&state; 302 to the dashboard");
}

std::unique_ptr<domain_module> spotify_module() {
  return std::make_unique<spotify::spotify_domain>();
}

}  // namespace aethex::actors

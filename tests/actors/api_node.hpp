// A node without its network front ends, for a domain's routes: every module's entity kinds over
// an in-memory store with a manual clock, every read model in a SQLite file caught up before each
// query, the named modules' routes (and console adapters) added and the modules asked for started,
// and routes called as the HTTP binding calls them: access checked, owner routes asking the
// channel's owner check first (when the channel module's routes are there).
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/modules.hpp"
#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"
#include "storage/event_store.hpp"
#include "storage/read_model.hpp"
#include "tests/actors/entity_fixture.hpp"
#include "tests/actors/route_match.hpp"

namespace aethex::test {

/// A route's answer: the status and body (JSON, or `text` with its content type), or the
/// error's code (status 0).
struct api_answer {
  unsigned status = 0;
  nlohmann::json body;
  errc error{};
  std::string text;
  std::string content_type;
};

class api_node {
 public:
  /// `routed`: modules whose routes and console adapters are added; `started`: modules whose
  /// start() runs (node-local services such as the VOD keeper); `prepare` may change the node's
  /// settings and what it is given (env) before any module sees them.
  api_node(std::set<std::string, std::less<>> routed, std::set<std::string, std::less<>> started,
           const std::function<void(runtime::node_config&, actors::node_env&)>& prepare = {}) {
    static std::atomic<int> counter{0};
    folder_ = std::filesystem::temp_directory_path() /
              ("aethex-api-node-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
    config.data_dir = folder_ / "data";
    runner = std::make_unique<storage::projection_runner>(*store, folder_ / "read.db");

    env.sys = &sys;
    env.store = store.get();
    env.config = &config;
    env.clock = &clock;
    env.node_id = "n1";
    env.admin_token_digest = "digest-of-the-admin-token";
    if (prepare)
      prepare(config, env);
    runtime::entity_kinds kinds;
    for (auto& m : modules)
      m->add_kinds(kinds, env);
    registry = runtime::spawn_entity_registry(sys, std::move(kinds));
    env.registry = registry;
    for (auto& m : modules) {
      m->add_projections(*runner);
      m->add_queries(queries);
    }
    env.query = [this](std::string name, nlohmann::json args, auto done) {
      done(query(name, args));
    };
    // Tokens as the tests make them (token_of); the identity module's resolver in a node.
    env.resolve_bearer = [](std::string token, auto done) {
      if (token == "admin")
        return done(runtime::principal::admin());
      if (token.starts_with("user-"))
        return done(runtime::principal::user(token.substr(5)));
      done(make_error(errc::unauthorized, "invalid or expired session"));
    };
    env.publish = [this](std::string topic, std::string payload) {
      if (auto service = env.services->find(topic))
        caf::anon_send(service, publish_atom::value, std::move(topic), std::move(payload));
    };
    for (auto& m : modules)
      if (routed.contains(m->name())) {
        m->add_console(adapters);
        if (started.contains(m->name()))
          m->start(env);
        m->add_routes(routes, env);
      }
  }

  ~api_node() {
    for (auto& service : env.services->all())
      self->send_exit(service, caf::exit_reason::user_shutdown);
    self->send_exit(registry, caf::exit_reason::user_shutdown);
    self->wait_for(registry);
    std::error_code ec;
    std::filesystem::remove_all(folder_, ec);
  }
  api_node(const api_node&) = delete;
  api_node& operator=(const api_node&) = delete;

  caf::expected<std::vector<nlohmann::json>> query(const std::string& name,
                                                   const nlohmann::json& args) {
    std::lock_guard lock{db_mutex_};
    runner->catch_up();
    auto it = queries.find(name);
    if (it == queries.end())
      return make_error(errc::not_found, "no query " + name);
    auto rows = it->second(runner->db(), args,
                           [](std::string_view, std::string_view) { return true; });
    return std::vector<nlohmann::json>(rows.begin(), rows.end());
  }

  template <class T, class... Ts>
  caf::expected<T> ask(const std::string& kind, const std::string& id, Ts... xs) {
    return ask_entity<T>(self, registry, kind, id, std::move(xs)...);
  }

  /// Runs console command `name` of `kind`'s adapter on entity kind/id, as the admin.
  caf::expected<nlohmann::json> console(const std::string& kind, const std::string& id,
                                        const std::string& name,
                                        std::vector<std::string> words = {}) {
    const auto* a = adapters.find(kind);
    const auto* c = a ? a->find(name) : nullptr;
    if (!c)
      return make_error(errc::not_found, "no console command " + kind + " " + name);
    auto inv = actors::console::bind_arguments(*a, *c, std::move(words), "");
    if (!inv)
      return inv.error();
    auto msg = c->build(*inv);
    if (!msg)
      return msg.error();
    auto answered = std::make_shared<std::promise<caf::expected<nlohmann::json>>>();
    auto answer = answered->get_future();
    sys.spawn([this, c, kind, id, msg = *msg, answered](caf::event_based_actor* actor) {
      c->dispatch(actor, registry, kind, id, msg, [answered](caf::expected<nlohmann::json> r) {
        answered->set_value(std::move(r));
      });
    });
    if (answer.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
      return make_error(errc::unavailable, "no answer");
    return answer.get();
  }

  /// The bearer token env.resolve_bearer resolves to `who` ("" for the anonymous principal).
  static std::string token_of(const runtime::principal& who) {
    if (who.is_admin())
      return "admin";
    return who.is_user() ? "user-" + who.name : "";
  }

  /// Calls the route `method` `target` ("vods/abc?x=1") as the caller whose token
  /// resolves to `who`, checked against the route's access as the HTTP binding checks it.
  api_answer call(actors::http_method method, const std::string& target,
                  const runtime::principal& who, const nlohmann::json& body = nullptr) {
    auto question = target.find('?');
    auto path = target.substr(0, question);
    for (auto& r : routes.routes) {
      actors::route_request req;
      if (r.method != method || !match_route(r.pattern, path, req))
        continue;
      req.query = question == std::string::npos ? "" : target.substr(question + 1);
      req.body = body.is_null() ? "" : body.dump();
      // As net/app/api_binding.cpp does: `anyone` routes get the token but not its principal.
      req.bearer = token_of(who);
      if (r.need != actors::access::anyone) {
        if (who.is_anonymous())
          return {0, nullptr, errc::unauthorized, {}, {}};
        if (r.need == actors::access::user && who.is_admin())
          return {0, nullptr, errc::forbidden, {}, {}};
        if (r.need == actors::access::admin && !who.is_admin())
          return {0, nullptr, errc::unauthorized, {}, {}};
        req.who = who;
      }
      std::promise<caf::expected<actors::route_response>> answered;
      auto answer = answered.get_future();
      auto done = [&answered](caf::expected<actors::route_response> res) {
        answered.set_value(std::move(res));
      };
      auto check = routes.owner_checks.find("channel");
      auto id = req.param("channel");
      if (r.need == actors::access::owner && !who.is_admin() && check != routes.owner_checks.end())
        check->second(who, id, [&r, req = std::move(req), done](caf::error err) mutable {
          if (err)
            return done(std::move(err));
          r.handler(std::move(req), done);
        });
      else
        r.handler(std::move(req), done);
      if (answer.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
        return {0, nullptr, errc::unavailable, {}, {}};
      auto res = answer.get();
      if (!res)
        return {0, nullptr, code_of(res.error()), {}, {}};
      if (!res->content_type.empty())
        return {res->status, nullptr, errc{}, res->body, res->content_type};
      return {res->status, nlohmann::json::parse(res->body), errc{}, {}, {}};
    }
    return {0, nullptr, errc::internal, {}, {}};  // no such route
  }

  runtime::manual_clock clock{runtime::system_clock().now_ms()};
  runtime::node_config config;
  std::unique_ptr<storage::event_store> store = storage::event_store::in_memory();
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  caf::actor registry;
  actors::module_list modules = actors::all_modules();
  std::unique_ptr<storage::projection_runner> runner;
  actors::read_query_table queries;
  actors::node_env env;
  actors::route_table routes;
  actors::console::adapter_table adapters;

 private:
  std::filesystem::path folder_;
  std::mutex db_mutex_;
};

}  // namespace aethex::test

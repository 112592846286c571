// The identity domain: accounts (user/<name>), sessions (session/<token digest>), the session
// resolver every front end uses, and the account routes.
#include "actors/core/module.hpp"
#include "actors/identity/internal.hpp"
#include "actors/identity/resolver.hpp"
#include "actors/identity/session.hpp"
#include "actors/identity/user.hpp"

namespace aethex::actors {
namespace {

class identity_domain final : public domain_module {
 public:
  std::string_view name() const override { return "identity"; }

  void add_message_types(caf::actor_system_config& cfg) const override {
    cfg.add_message_type<user_view>("aethex::user_view");
    cfg.add_message_type<session_view>("aethex::session_view");
    cfg.add_message_type<runtime::principal>("aethex::principal");
  }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    auto& limits = env.config->limits;
    add_user_kind(kinds, *env.store, {limits.hash_threads, limits.hash_queue}, *env.clock,
                  limits.minimum_password_cost);
    add_session_kind(kinds, *env.store, *env.clock);
  }

  void start(node_env& env) const override {
    env.resolve_bearer = [sys = env.sys, registry = env.registry,
                          admin = env.admin_token_digest](std::string token, auto done) {
      resolve_bearer(*sys, registry, admin, token,
                     [done = std::move(done)](caf::expected<resolved_bearer> resolved) {
                       if (!resolved)
                         return done(resolved.error());
                       done(std::move(resolved->who));
                     });
    };
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_identity_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> identity_module() { return std::make_unique<identity_domain>(); }

}  // namespace aethex::actors

// The apps domain (docs/open-platform.md, section Apps and OAuth): app/<client id> and
// developer/<user>, the OAuth routes, and the bearer resolution of app tokens. Listed after
// identity in actors/modules.cpp: its start() wraps the session resolver identity installed.
// Its messages carry only built-in types and the principal (registered by identity).
#include "actors/apps/apps.hpp"
#include "actors/apps/internal.hpp"
#include "actors/core/entity_ref.hpp"
#include "runtime/secrets.hpp"

namespace aethex::actors {

void wrap_bearer_resolver(node_env& env) {
  auto inner = env.resolve_bearer;
  env.resolve_bearer = [inner, sys = env.sys, registry = env.registry](std::string token,
                                                                       auto done) {
    if (!token.starts_with("aex")) {
      if (!inner)
        return done(make_error(errc::unauthorized, "invalid or expired session"));
      return inner(std::move(token), std::move(done));
    }
    auto client = client_of_token(token, false);
    if (!client)
      return done(make_error(errc::unauthorized, "invalid or expired token"));
    entity_ref<app_protocol>{registry, *client}
      .ask(app_inspect_atom::value, runtime::token_digest(token), std::string{})
      .then(*sys, [done, client = *client](caf::expected<std::string> text) {
        if (!text)
          return done(text.error());
        done(principal_of_inspection(*text, client));
      });
  };
}

namespace {

class apps_domain final : public domain_module {
 public:
  std::string_view name() const override { return "apps"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_app_kinds(kinds, *env.store, *env.clock);
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(app_adapter());
    adapters.add(developer_adapter());
  }

  void start(node_env& env) const override { wrap_bearer_resolver(env); }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_app_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> apps_module() { return std::make_unique<apps_domain>(); }

}  // namespace aethex::actors

#include "actors/identity/resolver.hpp"

namespace aethex::actors {

bool well_formed_token(std::string_view token) {
  if (token.size() != 64)
    return false;
  for (char c : token)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

bool is_admin_token(std::string_view token, std::string_view admin_digest) {
  return !token.empty() && !admin_digest.empty() &&
         runtime::constant_time_equal(runtime::token_digest(token), admin_digest);
}

void resolve_bearer(caf::actor_system& sys, const caf::actor& registry,
                    std::string_view admin_digest, const std::string& token,
                    std::function<void(caf::expected<resolved_bearer>)> done) {
  if (is_admin_token(token, admin_digest))
    return done(resolved_bearer{runtime::principal::admin(), {}});
  if (!well_formed_token(token))
    return done(make_error(errc::unauthorized, "invalid or expired session"));
  sys.spawn([registry, token, admin = std::string{admin_digest},
             done = std::move(done)](caf::event_based_actor* self) mutable {
    resolve_bearer(self, registry, admin, token, std::move(done));
  });
}

}  // namespace aethex::actors

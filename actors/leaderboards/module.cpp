// The leaderboards domain (docs/esports.md): its entity kinds, routes and console adapter.
#include "actors/core/module.hpp"

namespace aethex::actors {
namespace {

class leaderboards_domain final : public domain_module {
 public:
  std::string_view name() const override { return "leaderboards"; }
};

}  // namespace

std::unique_ptr<domain_module> leaderboards_module() { return std::make_unique<leaderboards_domain>(); }

}  // namespace aethex::actors

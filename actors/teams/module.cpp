// The teams domain (docs/esports.md): its entity kinds, routes and console adapter.
#include "actors/core/module.hpp"

namespace aethex::actors {
namespace {

class teams_domain final : public domain_module {
 public:
  std::string_view name() const override { return "teams"; }
};

}  // namespace

std::unique_ptr<domain_module> teams_module() { return std::make_unique<teams_domain>(); }

}  // namespace aethex::actors

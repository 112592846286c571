// The tournaments domain (docs/esports.md): its entity kinds, routes and console adapter.
#include "actors/core/module.hpp"

namespace aethex::actors {
namespace {

class tournaments_domain final : public domain_module {
 public:
  std::string_view name() const override { return "tournaments"; }
};

}  // namespace

std::unique_ptr<domain_module> tournaments_module() { return std::make_unique<tournaments_domain>(); }

}  // namespace aethex::actors

// The ledger domain: ledger/<name> (double-entry accounts and transfers), its statements read
// model, operator routes and the console adapter. Its messages carry only built-in types.
#include "actors/ledger/internal.hpp"
#include "actors/ledger/ledger.hpp"
#include "actors/ledger/ledger_read_model.hpp"

namespace aethex::actors {
namespace {

class ledger_domain final : public domain_module {
 public:
  std::string_view name() const override { return "ledger"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_ledger_kind(kinds, *env.store, *env.clock);
  }
  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<ledger_projection>());
  }
  void add_queries(read_query_table& queries) const override { add_ledger_queries(queries); }
  void add_console(console::adapter_table& adapters) const override {
    adapters.add(ledger_adapter());
  }
  void add_routes(route_table& routes, const node_env& env) const override {
    add_ledger_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> ledger_module() { return std::make_unique<ledger_domain>(); }

}  // namespace aethex::actors

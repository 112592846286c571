// The qna domain: qna/<webinar id> (a webinar's moderated questions, votes, the question on
// screen), its routes and its console adapter. Asks webinar/<id> who may ask and moderate and
// relays live frames through the webinar's channel's chat room. Messages carry built-in types
// and runtime::principal only.
#include "actors/qna/internal.hpp"
#include "actors/qna/qna.hpp"

namespace aethex::actors {
namespace {

class qna_domain final : public domain_module {
 public:
  std::string_view name() const override { return "qna"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_qna_kind(kinds, *env.store, *env.clock);
  }

  void add_console(console::adapter_table& adapters) const override { adapters.add(qna_adapter()); }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_qna_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> qna_module() { return std::make_unique<qna_domain>(); }

}  // namespace aethex::actors

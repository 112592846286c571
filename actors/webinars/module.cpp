// The webinars domain (docs/webinars.md): webinar/<id> (schedule, presenters, registrations,
// slides and the page shown), its routes, its console adapter, and the read model of webinars
// and slide changes (VOD slide timelines, recordings). The slide renderer it hands PDFs to lives
// in media/ (media/slide_renderer.hpp), started by the node. Its messages carry only built-in
// types (and runtime::principal, which the node already knows).
#include "actors/webinars/internal.hpp"
#include "actors/webinars/webinars.hpp"
#include "actors/webinars/webinars_projection.hpp"

namespace aethex::actors {
namespace {

class webinars_domain final : public domain_module {
 public:
  std::string_view name() const override { return "webinars"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_webinar_kind(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<webinars_projection>());
  }

  void add_queries(read_query_table& queries) const override {
    queries[std::string{webinars_of_channel_query}] = webinars_of_channel;
    queries[std::string{webinar_slides_query}] = webinar_slides_rows;
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(webinar_adapter());
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_webinar_routes(routes, env);
    add_slide_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> webinars_module() { return std::make_unique<webinars_domain>(); }

}  // namespace aethex::actors

// The certificates domain (docs/education.md, section Certificates): certificate/<code> and the
// certificates/<course> index, the read model of certificates by user and course, the routes
// and the console. Asks course/<id> for progress and the completion rule; the PDF is drawn by
// the node's certificate renderer (media/certificate_pdf.hpp). Messages carry built-in types.
#include "actors/certificates/certificates.hpp"
#include "actors/certificates/internal.hpp"
#include "actors/certificates/projection.hpp"

namespace aethex::actors {
namespace {

class certificates_domain final : public domain_module {
 public:
  std::string_view name() const override { return "certificates"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_certificate_kinds(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<certificates_projection>());
  }

  void add_queries(read_query_table& queries) const override {
    queries[std::string{certificates_of_user_query}] = certificates_of_user;
    queries[std::string{certificates_of_course_query}] = certificates_of_course;
  }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(certificate_adapter());
    adapters.add(certificate_index_adapter());
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_certificate_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> certificates_module() {
  return std::make_unique<certificates_domain>();
}

}  // namespace aethex::actors

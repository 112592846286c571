// The courses domain (docs/education.md, section Courses): course/<id> (content, schedule,
// enrolment, attendance, progress), coursecal/<user> (calendar feed tokens), the courses read
// model, the node's presence service (attendance from the chat's viewer sessions) and reminder
// ticker, routes and console. Its messages carry only built-in types.
#include "actors/courses/course_projection.hpp"
#include "actors/courses/courses.hpp"
#include "actors/courses/internal.hpp"
#include "actors/courses/presence.hpp"

namespace aethex::actors {
namespace {

class courses_domain final : public domain_module {
 public:
  std::string_view name() const override { return "courses"; }

  void add_kinds(runtime::entity_kinds& kinds, const node_env& env) const override {
    add_course_kind(kinds, *env.store, *env.clock);
    add_course_cal_kind(kinds, *env.store, *env.clock);
  }

  void add_projections(storage::projection_runner& runner) const override {
    runner.add(std::make_unique<course_projection>());
  }

  void add_queries(read_query_table& queries) const override { add_course_queries(queries); }

  void add_console(console::adapter_table& adapters) const override {
    adapters.add(course_adapter());
  }

  void start(node_env& env) const override {
    env.services->add(std::string{course_presence_service}, spawn_course_presence(*env.sys, env));
  }

  void add_routes(route_table& routes, const node_env& env) const override {
    add_course_routes(routes, env);
  }
};

}  // namespace

std::unique_ptr<domain_module> courses_module() { return std::make_unique<courses_domain>(); }

}  // namespace aethex::actors

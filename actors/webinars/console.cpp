// webinar/<id> in the admin console: the webinar as its entity holds it.
#include <caf/all.hpp>

#include "actors/webinars/internal.hpp"
#include "actors/webinars/webinars.hpp"

namespace aethex::actors {

using namespace console;

adapter webinar_adapter() {
  adapter a;
  a.kind = "webinar";
  a.summary = "a webinar: schedule, presenters, registrations, slides";
  a.show_query = "get";
  auto shown = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("get", {}, "The webinar as GET webinars/{id} shows it (without the caller's rights).",
        "ask webinar/0123456789ab get", message_of_args(webinar_get_atom::value), shown);
  return a;
}

}  // namespace aethex::actors

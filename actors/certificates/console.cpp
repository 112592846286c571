// certificate/<code> and certificates/<course> in the admin console: an operator looks a code
// up, revokes one (a fraud report), or lists which codes a course gave.
#include <caf/all.hpp>

#include "actors/certificates/certificates.hpp"
#include "actors/certificates/internal.hpp"

namespace aethex::actors {

using namespace console;

adapter certificate_adapter() {
  adapter a;
  a.kind = "certificate";
  a.summary = "a course certificate: who, which course, revoked or not";
  a.show_query = "get";
  auto parsed = expecting<std::string>([](const std::string& text) -> caf::expected<json> {
    return json::parse(text);
  });
  a.ask("get", {}, "The certificate, with who revoked it and why.",
        "ask certificate/7K3M9QX2TR4B get", message_of_args(cert_get_atom::value), parsed);
  a.send(
    "revoke", {{"reason", true, true}}, "Revokes the certificate, giving the reason.",
    "send certificate/7K3M9QX2TR4B revoke issued by mistake",
    [](const invocation& inv) -> caf::expected<caf::message> {
      auto by = inv.as.is_admin() ? std::string{"admin"} : inv.as.name;
      return caf::make_message(cert_revoke_atom::value, by, inv.args.at(0));
    },
    parsed);
  return a;
}

adapter certificate_index_adapter() {
  adapter a;
  a.kind = "certificates";
  a.summary = "the certificate codes a course gave, one per student";
  a.show_query = "codes";
  a.ask("codes", {}, "Each user of the course with their certificate's code.",
        "ask certificates/ab12cd34ef codes", message_of_args(cert_codes_atom::value),
        expecting<std::string>([](const std::string& text) -> caf::expected<json> {
          return json::parse(text);
        }));
  return a;
}

}  // namespace aethex::actors

// app/<client id> and developer/<user> in the admin console: an app's registration and a user's
// apps, for operators answering "whose app is this?". Never a secret, code or token: the
// entities hold only their digests, and these commands do not show even those.
#include <caf/all.hpp>

#include "actors/apps/apps.hpp"
#include "actors/apps/internal.hpp"

namespace aethex::actors {

using namespace console;

adapter app_adapter() {
  adapter a;
  a.kind = "app";
  a.summary = "a registered OAuth app: name, owner, redirect URIs (never its secret or tokens)";
  a.show_query = "get";
  a.ask("get", {}, "The app's registration.", "ask app/0123456789abcdef01234567 get",
        message_of_args(app_get_atom::value),
        expecting<std::string>([](const std::string& text) -> caf::expected<json> {
          return json::parse(text);
        }));
  return a;
}

adapter developer_adapter() {
  adapter a;
  a.kind = "developer";
  a.summary = "the OAuth apps one account registered";
  a.show_query = "list";
  a.ask("list", {}, "The account's apps.", "ask developer/alice list",
        message_of_args(dev_list_atom::value),
        expecting<std::string>([](const std::string& text) -> caf::expected<json> {
          return json::parse(text);
        }));
  return a;
}

}  // namespace aethex::actors

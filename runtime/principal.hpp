// Who is acting: one type for every front end (HTTP, chat WebSocket, console) and every entity.
// Rights follow the principal's kind, never its name: a user who signs up as "admin" is a user.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace aethex::runtime {

struct principal {
  enum class kind : std::uint8_t {
    anonymous,  // no credentials (may read what is public)
    guest,      // a chat nickname without an account (rooms that allow guests)
    user,       // a signed-in account
    admin,      // the node's admin token (acts as every channel's owner)
    app,        // a third-party app acting for itself (OAuth client credentials), no account
  };
  kind type = kind::anonymous;
  std::string name;    // account name (user), nickname (guest), client id (app); empty otherwise
  std::string origin;  // a guest's client address: their bans and rate limits follow it
  /// The OAuth client id when a third-party app holds the credentials (an app itself, or a user
  /// token the user granted to an app); empty for first-party sessions and the admin token.
  std::string via_app;
  /// What a delegated token may do ("chat:write", …); meaningful only when via_app is set.
  std::vector<std::string> scopes;

  static principal anonymous() { return {}; }
  static principal guest(std::string nickname, std::string address = {}) {
    return {kind::guest, std::move(nickname), std::move(address), {}, {}};
  }
  static principal user(std::string account) {
    return {kind::user, std::move(account), {}, {}, {}};
  }
  static principal admin() { return {kind::admin, {}, {}, {}, {}}; }
  /// A user token that `account` granted to app `client_id` with `granted` scopes.
  static principal delegated_user(std::string account, std::string client_id,
                                  std::vector<std::string> granted) {
    return {kind::user, std::move(account), {}, std::move(client_id), std::move(granted)};
  }
  /// An app's own token (client credentials).
  static principal app(std::string client_id, std::vector<std::string> granted) {
    auto id = client_id;
    return {kind::app, std::move(id), {}, std::move(client_id), std::move(granted)};
  }

  bool is_admin() const { return type == kind::admin; }
  bool is_user() const { return type == kind::user; }
  bool is_guest() const { return type == kind::guest; }
  bool is_anonymous() const { return type == kind::anonymous; }
  bool is_app() const { return type == kind::app; }
  /// True when a third-party app holds these credentials (so scopes apply).
  bool is_delegated() const { return !via_app.empty(); }
  /// Whether these credentials may use a route that needs `scope`: first-party credentials may
  /// use every route; a delegated token only routes whose scope it was granted (an empty
  /// `scope` means the route is not open to apps at all).
  bool allows(std::string_view scope) const;
  /// A signed-in user whose account is `account`.
  bool is_user(std::string_view account) const { return is_user() && name == account; }

  /// The name chat and the console show, and the key of per-person room state (bans, rate
  /// limits): the account name, "guest:<nickname>", "admin", "app:<client id>", or "" when
  /// anonymous. None of these can collide: account names cannot contain ':' and "admin" is a
  /// reserved account name.
  std::string display() const;

  friend bool operator==(const principal&, const principal&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, principal& x) {
  return f(caf::meta::type_name("principal"), x.type, x.name, x.origin, x.via_app, x.scopes);
}

/// True for names no account may take, because people would read them as the platform's own
/// voice: admin, system, guest, root, mod, aethex, … and look-alikes ("Adm1n", "a_d_m_i_n",
/// "root_", "aethex_official", "administrator").
bool reserved_account_name(std::string_view name);

}  // namespace aethex::runtime

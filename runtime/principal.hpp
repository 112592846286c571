// Who is acting: one type for every front end (HTTP, chat WebSocket, console) and every entity.
// Rights follow the principal's kind, never its name: a user who signs up as "admin" is a user.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/meta/type_name.hpp>

namespace aethex::runtime {

struct principal {
  enum class kind : std::uint8_t {
    anonymous,  // no credentials (may read what is public)
    guest,      // a chat nickname without an account (rooms that allow guests)
    user,       // a signed-in account
    admin,      // the node's admin token (acts as every channel's owner)
  };
  kind type = kind::anonymous;
  std::string name;    // account name (user), nickname (guest); empty otherwise
  std::string origin;  // a guest's client address: their bans and rate limits follow it

  static principal anonymous() { return {}; }
  static principal guest(std::string nickname, std::string address = {}) {
    return {kind::guest, std::move(nickname), std::move(address)};
  }
  static principal user(std::string account) { return {kind::user, std::move(account), {}}; }
  static principal admin() { return {kind::admin, {}, {}}; }

  bool is_admin() const { return type == kind::admin; }
  bool is_user() const { return type == kind::user; }
  bool is_guest() const { return type == kind::guest; }
  bool is_anonymous() const { return type == kind::anonymous; }
  /// A signed-in user whose account is `account`.
  bool is_user(std::string_view account) const { return is_user() && name == account; }

  /// The name chat and the console show, and the key of per-person room state (bans, rate
  /// limits): the account name, "guest:<nickname>", "admin", or "" when anonymous. None of these
  /// can collide: account names cannot contain ':' and "admin" is a reserved account name.
  std::string display() const;

  friend bool operator==(const principal&, const principal&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, principal& x) {
  return f(caf::meta::type_name("principal"), x.type, x.name, x.origin);
}

/// True for names no account may take, because people would read them as the platform's own
/// voice: admin, system, guest, root, mod, aethex, … and look-alikes ("Adm1n", "a_d_m_i_n",
/// "root_", "aethex_official", "administrator").
bool reserved_account_name(std::string_view name);

}  // namespace aethex::runtime

// payments/<provider>: the node's payment provider as an entity (docs/monetization.md). Other
// domains start purchases here; the provider ("sandbox" or "stripe", config.money.provider)
// decides how the viewer pays, books the money in the ledger and tells the seller.
#pragma once

#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "actors/core/money.hpp"
#include "runtime/node_config.hpp"

namespace aethex::actors {

using checkout_create_atom = caf::atom_constant<caf::atom("checkout")>;
using payment_charge_atom = caf::atom_constant<caf::atom("paycharge")>;

/// Protocol of payments/<provider>; JSON text in and out (docs/monetization.md):
///  (checkout_create_atom, request) -> {"checkout", "url", "status"} | invalid_argument
///  (payment_charge_atom, request)   -> {"payment", "status", "code"?} | invalid_argument
struct payment_provider_protocol {
  static constexpr std::string_view kind = "payments";
  static std::string reply_to(checkout_create_atom, std::string request);
  static std::string reply_to(payment_charge_atom, std::string request);
};

/// The id of the node's provider entity: "sandbox" or "stripe".
inline std::string payment_provider_id(const runtime::node_config& config) {
  return config.money.provider;
}

}  // namespace aethex::actors

// What the money domains say to each other (docs/monetization.md): payments tells the entity
// that asked for a purchase that it was paid or reversed. Any entity that sells something
// declares in its protocol
//   static std::string reply_to(payment_fulfil_atom, std::string payment);
//   static std::string reply_to(payment_reversed_atom, std::string payment);
// and must apply each payment id once: payments repeats a fulfilment until it is answered.
#pragma once

#include <caf/atom.hpp>

namespace aethex::actors {

using payment_fulfil_atom = caf::atom_constant<caf::atom("payfulfil")>;
using payment_reversed_atom = caf::atom_constant<caf::atom("payreverse")>;

}  // namespace aethex::actors

// ledger/<name>: the double-entry ledger of the node's money (docs/ledger.md), one entity so a
// transfer between any two accounts commits atomically. The rules are the book's
// (ledger_book.hpp); the entity journals what the book accepts — one event per request, so a
// batch of transfers costs one durable write — and then applies it.
//
// Events: ledger.accounts_opened {"accounts":[spec]}, ledger.transfers {"transfers":[record]}
// (a request's committed transfers, or the expiries of pending ones).
#pragma once

#include <string>
#include <string_view>

#include <caf/atom.hpp>

#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"

namespace aethex::actors {

using ledger_open_atom = caf::atom_constant<caf::atom("ledgeropen")>;
using ledger_transfer_atom = caf::atom_constant<caf::atom("ledgerxfer")>;
using ledger_account_atom = caf::atom_constant<caf::atom("ledgeracct")>;
using ledger_tick_atom = caf::atom_constant<caf::atom("ledgertick")>;

/// The node's one ledger (an id, so a test or a benchmark can open others).
inline constexpr std::string_view main_ledger = "main";

/// Protocol of ledger/<name>; JSON text in and out (docs/ledger.md):
///  (ledger_open_atom, {"accounts":[…]})      -> {"results":[{"status","message"?}…]}, once
///                                              durable | invalid_json | invalid_argument
///  (ledger_transfer_atom, {"transfers":[…]}) -> {"results":[…]} the same way
///  (ledger_account_atom, id)                 -> the account's balances | not_found
///  (ledger_tick_atom)                        -> summary, after expiring due pending transfers
///  (get_atom)                                -> {"accounts","pending","applied_ids"}
struct ledger_protocol {
  static constexpr std::string_view kind = "ledger";
  static std::string reply_to(ledger_open_atom, std::string body);
  static std::string reply_to(ledger_transfer_atom, std::string body);
  static std::string reply_to(ledger_account_atom, std::string id);
  static std::string reply_to(ledger_tick_atom);
  static std::string reply_to(get_atom);
};

void add_ledger_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                     const runtime::clock& clock = runtime::system_clock());

}  // namespace aethex::actors

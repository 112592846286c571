// The double-entry book of the ledger, sans-I/O: accounts with their balances, pending (two-phase)
// transfers and the ids already applied. `plan` checks a batch of transfers against the book and
// says which commit (the records to journal) and why the others fail; `apply` replays a record.
// The entity (ledger.cpp) journals what `plan` accepted, then applies it: state is only ever
// changed by records, so replay after a restart reaches the same book.
//
// Semantics follow TigerBeetle's: integer amounts in an account's minor units; a transfer debits
// one account and credits another of the same currency, so every transfer sums to zero; ids are
// the client's, and a retried id with the same fields is `exists` (a success, applied once);
// pending transfers reserve an amount until posted (all or part of it), voided, or expired at
// their timeout; `linked` transfers commit all together or not at all (a chain ends at the
// first transfer without `linked`). Accounts may forbid their debits to exceed their credits
// (a wallet cannot go negative) or their credits to exceed their debits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace aethex::actors::ledger {

struct limits {
  static constexpr std::size_t max_batch = 8190;               // transfers or accounts per request
  static constexpr std::int64_t max_amount = (1LL << 53) - 1;  // exact in every JSON reader
  static constexpr std::int64_t max_timeout_s = 90LL * 24 * 3600;
  static constexpr std::size_t max_id = 128;
  static constexpr std::size_t max_code = 32;
};

struct balance {
  std::int64_t debits_posted = 0;
  std::int64_t credits_posted = 0;
  std::int64_t debits_pending = 0;
  std::int64_t credits_pending = 0;
  bool operator==(const balance&) const = default;
};

struct account {
  std::string currency;
  bool debits_must_not_exceed_credits = false;
  bool credits_must_not_exceed_debits = false;
  balance b;
};

struct account_spec {
  std::string id;
  std::string currency;  // ISO 4217: three capital letters
  bool debits_must_not_exceed_credits = false;
  bool credits_must_not_exceed_debits = false;
};

enum class transfer_kind { posted, pending, post, void_pending, expire };

/// What a request and its journal record share.
struct transfer_fields {
  std::string id;
  transfer_kind kind = transfer_kind::posted;
  std::string debit;
  std::string credit;
  std::int64_t amount = 0;
  std::string code;
  std::string pending_id;
};

/// What a client asks for. For post/void only `pending_id` is needed (`amount` 0 posts it all).
struct transfer_request : transfer_fields {
  std::int64_t timeout_s = 0;  // pending only; 0 = no timeout
  bool linked = false;
};

/// What is journaled for a committed transfer (debit, credit and amount resolved).
struct transfer_record : transfer_fields {
  std::int64_t expires_at_ms = 0;  // pending only
  std::uint64_t fingerprint = 0;   // of the request's fields, for retries (0: an expiry)
};

/// A transfer's outcome: "ok", "exists" (a retry of one applied before), or an error code.
struct transfer_result {
  std::string status = "ok";
  std::string message = {};
  bool ok() const { return status == "ok" || status == "exists"; }
};

struct plan_result {
  std::vector<transfer_result> results;  // one per request, in order
  std::vector<transfer_record> records;  // to journal, in order
};

struct pending_transfer {
  std::string debit;
  std::string credit;
  std::int64_t amount = 0;
  std::int64_t expires_at_ms = 0;  // 0: never
};

const char* kind_name(transfer_kind kind);
std::optional<transfer_kind> kind_of(std::string_view name);

/// A stable 64-bit FNV-1a over the request's own fields (journaled, so replay needs no rehash).
std::uint64_t fingerprint(const transfer_request& r);

/// Shapes of client input: ids of 1-128 of [a-z0-9:_.-], codes ≤ 32 of the same, currencies of
/// three capital letters.
bool valid_id(std::string_view id);
bool valid_currency(std::string_view currency);

class book {
 public:
  /// Which of `specs` are new (to journal), and each one's outcome ("ok", "exists",
  /// "exists_with_different_flags", "invalid").
  std::pair<std::vector<transfer_result>, std::vector<account_spec>> plan_accounts(
    const std::vector<account_spec>& specs) const;
  void open(const account_spec& spec);

  plan_result plan(const std::vector<transfer_request>& batch, std::int64_t now_ms) const;
  /// Several requests' batches planned one after the other, each seeing the ones before it, for
  /// one journal write: their results apart, their records together in order.
  std::pair<std::vector<std::vector<transfer_result>>, std::vector<transfer_record>> plan_many(
    const std::vector<std::vector<transfer_request>>& batches, std::int64_t now_ms) const;
  void apply(const transfer_record& record);

  /// Expiry records for the pending transfers whose timeout is at or before `now_ms`.
  std::vector<transfer_record> due_expiries(std::int64_t now_ms) const;
  /// The earliest timeout of a pending transfer, if any.
  std::optional<std::int64_t> next_expiry() const;

  const account* find(std::string_view id) const;
  const std::unordered_map<std::string, account>& accounts() const { return accounts_; }
  const std::unordered_map<std::string, pending_transfer>& pending() const { return pending_; }
  std::size_t applied_ids() const { return seen_.size(); }

  nlohmann::json snapshot() const;
  void restore(const nlohmann::json& j);

 private:
  class overlay;
  static transfer_result step(overlay& ov, const transfer_request& r, std::int64_t now_ms,
                              std::vector<transfer_record>& records);
  static std::vector<transfer_result> plan_into(overlay& ov,
                                                const std::vector<transfer_request>& batch,
                                                std::int64_t now_ms,
                                                std::vector<transfer_record>& records);
  std::unordered_map<std::string, account> accounts_;
  std::unordered_map<std::string, pending_transfer> pending_;
  std::unordered_map<std::string, std::uint64_t> seen_;  // applied id -> request fingerprint
};

nlohmann::json to_json_value(const transfer_record& r);
transfer_record record_from_json(const nlohmann::json& j);
nlohmann::json balance_json(const std::string& id, const account& a);

}  // namespace aethex::actors::ledger

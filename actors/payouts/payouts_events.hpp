// The events of payouts/<channel> (payouts.hpp lists them) and the values its state keeps; only
// payouts.cpp includes this.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/payouts/tax_vault.hpp"

namespace aethex::actors::payout_events {

using json = nlohmann::json;

struct hold {
  std::string transfer;
  std::int64_t amount = 0;
  std::string currency;
  std::int64_t release_at_ms = 0;
};

struct payout {
  std::uint64_t n = 0;
  std::int64_t amount = 0;
  std::string currency;
  std::string transfer;
  std::string status = "pending";  // pending | paid | failed
  std::int64_t requested_at_ms = 0;
  std::int64_t settled_at_ms = 0;
  std::string reason;
};

namespace ev {
struct held {
  static constexpr std::string_view type = "payouts.held";
  static constexpr std::uint32_t schema = 1;
  std::string payment;
  hold h;
  std::string product;
};
void to_json(json& j, const held& e) {
  j = json{
    {"payment", e.payment},     {"transfer", e.h.transfer},           {"amount", e.h.amount},
    {"currency", e.h.currency}, {"release_at_ms", e.h.release_at_ms}, {"product", e.product}};
}
void from_json(const json& j, held& e) {
  e.payment = j.at("payment").get<std::string>();
  e.h = {j.at("transfer").get<std::string>(), j.at("amount").get<std::int64_t>(),
         j.at("currency").get<std::string>(), j.at("release_at_ms").get<std::int64_t>()};
  e.product = j.value("product", "");
}
struct released {
  static constexpr std::string_view type = "payouts.released";
  static constexpr std::uint32_t schema = 1;
  std::string payment;
  std::string outcome;  // posted | dropped (refunded or voided during the hold)
};
void to_json(json& j, const released& e) {
  j = json{{"payment", e.payment}, {"outcome", e.outcome}};
}
void from_json(const json& j, released& e) {
  e.payment = j.at("payment").get<std::string>();
  e.outcome = j.at("outcome").get<std::string>();
}
struct requested {
  static constexpr std::string_view type = "payouts.requested";
  static constexpr std::uint32_t schema = 1;
  std::uint64_t n = 0;
  std::int64_t amount = 0;
  std::string currency;
  std::string transfer;
  std::string by;
};
void to_json(json& j, const requested& e) {
  j = json{{"n", e.n},
           {"amount", e.amount},
           {"currency", e.currency},
           {"transfer", e.transfer},
           {"by", e.by}};
}
void from_json(const json& j, requested& e) {
  e.n = j.at("n").get<std::uint64_t>();
  e.amount = j.at("amount").get<std::int64_t>();
  e.currency = j.at("currency").get<std::string>();
  e.transfer = j.at("transfer").get<std::string>();
  e.by = j.value("by", "");
}
struct paid {
  static constexpr std::string_view type = "payouts.paid";
  static constexpr std::uint32_t schema = 1;
  std::uint64_t n = 0;
};
void to_json(json& j, const paid& e) { j = json{{"n", e.n}}; }
void from_json(const json& j, paid& e) { e.n = j.at("n").get<std::uint64_t>(); }
struct failed {
  static constexpr std::string_view type = "payouts.failed";
  static constexpr std::uint32_t schema = 1;
  std::uint64_t n = 0;
  std::string reason;
};
void to_json(json& j, const failed& e) { j = json{{"n", e.n}, {"reason", e.reason}}; }
void from_json(const json& j, failed& e) {
  e.n = j.at("n").get<std::uint64_t>();
  e.reason = j.value("reason", "");
}
// Only the sealed box: the plaintext never reaches the journal (tax_vault.hpp).
struct tax_form_filed {
  static constexpr std::string_view type = "payouts.tax_form_filed";
  static constexpr std::uint32_t schema = 1;
  tax_vault::sealed_box box;
};
void to_json(json& j, const tax_form_filed& e) {
  j = json{
    {"key_version", e.box.key_version}, {"nonce", e.box.nonce}, {"ciphertext", e.box.ciphertext}};
}
void from_json(const json& j, tax_form_filed& e) {
  e.box = {j.at("key_version").get<std::uint32_t>(), j.at("nonce").get<std::string>(),
           j.at("ciphertext").get<std::string>()};
}
struct account_set {
  static constexpr std::string_view type = "payouts.account_set";
  static constexpr std::uint32_t schema = 1;
  std::string stripe_account;
};
void to_json(json& j, const account_set& e) { j = json{{"stripe_account", e.stripe_account}}; }
void from_json(const json& j, account_set& e) {
  e.stripe_account = j.at("stripe_account").get<std::string>();
}
}  // namespace ev

}  // namespace aethex::actors::payout_events

#include "actors/ledger/ledger_book.hpp"

#include <algorithm>
#include <limits>
#include <variant>

namespace aethex::actors::ledger {
namespace {

using json = nlohmann::json;

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

bool id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ':' || c == '_' || c == '.' ||
         c == '-';
}

transfer_result fail(std::string status, std::string message) {
  return {std::move(status), std::move(message)};
}

// a + b without overflow, or nullopt.
std::optional<std::int64_t> add(std::int64_t a, std::int64_t b) {
  if (b > int64_max - a)
    return std::nullopt;
  return a + b;
}

}  // namespace

const char* kind_name(transfer_kind kind) {
  switch (kind) {
    case transfer_kind::posted: return "posted";
    case transfer_kind::pending: return "pending";
    case transfer_kind::post: return "post";
    case transfer_kind::void_pending: return "void";
    case transfer_kind::expire: return "expire";
  }
  return "posted";
}

std::optional<transfer_kind> kind_of(std::string_view name) {
  for (auto k : {transfer_kind::posted, transfer_kind::pending, transfer_kind::post,
                 transfer_kind::void_pending, transfer_kind::expire})
    if (name == kind_name(k))
      return k;
  return std::nullopt;
}

std::uint64_t fingerprint(const transfer_request& r) {
  std::uint64_t h = 14695981039346656037ULL;
  auto mix = [&h](std::string_view part) {
    for (unsigned char c : part) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xFF;  // a separator no field contains
    h *= 1099511628211ULL;
  };
  mix(kind_name(r.kind));
  mix(r.debit);
  mix(r.credit);
  mix(std::to_string(r.amount));
  mix(r.code);
  mix(r.pending_id);
  mix(std::to_string(r.timeout_s));
  return h == 0 ? 1 : h;  // 0 marks expiries
}

bool valid_id(std::string_view id) {
  return !id.empty() && id.size() <= limits::max_id && std::all_of(id.begin(), id.end(), id_char);
}

bool valid_currency(std::string_view currency) {
  return currency.size() == 3 &&
         std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// What a batch changes before it is journaled: balances, pending transfers and ids, each copied
// from the book on first touch, with an undo log so a failed linked chain leaves no trace.
class book::overlay {
 public:
  explicit overlay(const book& base) : base_(base) {}

  account* account_of(const std::string& id) {
    if (auto it = accounts_.find(id); it != accounts_.end())
      return &it->second;
    auto found = base_.accounts_.find(id);
    if (found == base_.accounts_.end())
      return nullptr;
    undo_.emplace_back(account_touch{id});
    return &accounts_.emplace(id, found->second).first->second;
  }
  void set_balance(const std::string& id, const balance& b) {
    auto* a = account_of(id);
    undo_.emplace_back(balance_change{id, a->b});
    a->b = b;
  }

  std::optional<pending_transfer> pending_of(const std::string& id) const {
    if (auto it = pending_.find(id); it != pending_.end())
      return it->second;
    if (auto it = base_.pending_.find(id); it != base_.pending_.end())
      return it->second;
    return std::nullopt;
  }
  void set_pending(const std::string& id, std::optional<pending_transfer> p) {
    auto before = pending_.find(id);
    undo_.emplace_back(pending_change{
      id, before == pending_.end() ? std::nullopt : std::optional{before->second}});
    pending_[id] = std::move(p);
  }

  std::optional<std::uint64_t> seen(const std::string& id) const {
    if (auto it = seen_.find(id); it != seen_.end())
      return it->second;
    if (auto it = base_.seen_.find(id); it != base_.seen_.end())
      return it->second;
    return std::nullopt;
  }
  void mark_seen(const std::string& id, std::uint64_t print) {
    seen_[id] = print;
    undo_.emplace_back(seen_added{id});
  }

  std::size_t mark() const { return undo_.size(); }
  void roll_back(std::size_t to) {
    while (undo_.size() > to) {
      std::visit([this](auto& step) { undo(step); }, undo_.back());
      undo_.pop_back();
    }
  }

 private:
  struct account_touch {
    std::string id;
  };
  struct balance_change {
    std::string id;
    balance before;
  };
  struct pending_change {
    std::string id;
    std::optional<std::optional<pending_transfer>> before;  // outer nullopt: not in the overlay
  };
  struct seen_added {
    std::string id;
  };
  void undo(account_touch& s) { accounts_.erase(s.id); }
  void undo(balance_change& s) { accounts_.at(s.id).b = s.before; }
  void undo(pending_change& s) {
    if (s.before)
      pending_[s.id] = *s.before;
    else
      pending_.erase(s.id);
  }
  void undo(seen_added& s) { seen_.erase(s.id); }

  const book& base_;
  std::unordered_map<std::string, account> accounts_;
  std::unordered_map<std::string, std::optional<pending_transfer>> pending_;  // nullopt: gone
  std::unordered_map<std::string, std::uint64_t> seen_;
  std::vector<std::variant<account_touch, balance_change, pending_change, seen_added>> undo_;
};

std::pair<std::vector<transfer_result>, std::vector<account_spec>> book::plan_accounts(
  const std::vector<account_spec>& specs) const {
  std::vector<transfer_result> results;
  std::vector<account_spec> fresh;
  std::unordered_map<std::string, const account_spec*> in_batch;
  for (auto& s : specs) {
    if (!valid_id(s.id) || !valid_currency(s.currency) ||
        (s.debits_must_not_exceed_credits && s.credits_must_not_exceed_debits)) {
      results.push_back(fail("invalid",
                             "an account has an id of 1-128 of a-z 0-9 : _ . -, a "
                             "currency of three capital letters, and at most one "
                             "overdraft rule"));
      continue;
    }
    const account* known = find(s.id);
    auto same = [&](const std::string& currency, bool dc, bool cd) {
      return currency == s.currency && dc == s.debits_must_not_exceed_credits &&
             cd == s.credits_must_not_exceed_debits;
    };
    if (known || in_batch.count(s.id)) {
      bool matches = known ? same(known->currency, known->debits_must_not_exceed_credits,
                                  known->credits_must_not_exceed_debits)
                           : same(in_batch[s.id]->currency,
                                  in_batch[s.id]->debits_must_not_exceed_credits,
                                  in_batch[s.id]->credits_must_not_exceed_debits);
      results.push_back(matches
                          ? transfer_result{"exists"}
                          : fail("exists_with_different_flags",
                                 "account " + s.id + " exists with another currency or rule"));
      continue;
    }
    in_batch[s.id] = &s;
    fresh.push_back(s);
    results.push_back({});
  }
  return {std::move(results), std::move(fresh)};
}

void book::open(const account_spec& spec) {
  accounts_.try_emplace(spec.id, account{spec.currency,
                                         spec.debits_must_not_exceed_credits,
                                         spec.credits_must_not_exceed_debits,
                                         {}});
}

const account* book::find(std::string_view id) const {
  auto it = accounts_.find(std::string{id});
  return it == accounts_.end() ? nullptr : &it->second;
}

transfer_result book::step(overlay& ov, const transfer_request& r, std::int64_t now_ms,
                           std::vector<transfer_record>& records) {
  if (!valid_id(r.id))
    return fail("invalid", "a transfer id is 1-128 of a-z 0-9 : _ . -");
  const auto print = fingerprint(r);
  if (auto seen = ov.seen(r.id))
    return *seen == print ? transfer_result{"exists"}
                          : fail("exists_with_different_fields",
                                 "transfer " + r.id + " was applied with other fields");
  if (!r.code.empty() && (r.code.size() > limits::max_code || !valid_id(r.code)))
    return fail("invalid", "a code is at most 32 of a-z 0-9 : _ . -");
  transfer_record rec{static_cast<const transfer_fields&>(r), 0, print};
  if (r.kind == transfer_kind::posted || r.kind == transfer_kind::pending) {
    if (!r.pending_id.empty() || r.amount < 1 || r.amount > limits::max_amount || r.timeout_s < 0 ||
        r.timeout_s > limits::max_timeout_s ||
        (r.kind == transfer_kind::posted && r.timeout_s != 0))
      return fail("invalid",
                  "an amount is 1 to 2^53-1 minor units; a timeout (pending only) "
                  "0 to 90 days");
    if (r.debit == r.credit)
      return fail("accounts_must_be_different", "a transfer moves money between two accounts");
    auto* debit = ov.account_of(r.debit);
    auto* credit = ov.account_of(r.credit);
    if (!debit || !credit)
      return fail("account_not_found", "no account " + (debit ? r.credit : r.debit));
    if (debit->currency != credit->currency)
      return fail("currencies_must_match", "both accounts must hold the same currency");
    bool posted = r.kind == transfer_kind::posted;
    auto db = debit->b;
    auto cb = credit->b;
    auto d = add(posted ? db.debits_posted : db.debits_pending, r.amount);
    auto c = add(posted ? cb.credits_posted : cb.credits_pending, r.amount);
    if (!d || !c)
      return fail("overflow", "the balance would overflow");
    (posted ? db.debits_posted : db.debits_pending) = *d;
    (posted ? cb.credits_posted : cb.credits_pending) = *c;
    auto debits = add(db.debits_posted, db.debits_pending);
    auto credits = add(cb.credits_posted, cb.credits_pending);
    if (!debits || !credits)
      return fail("overflow", "the balance would overflow");
    if (debit->debits_must_not_exceed_credits && *debits > db.credits_posted)
      return fail("exceeds_credits",
                  "account " + r.debit + " cannot cover " + std::to_string(r.amount));
    if (credit->credits_must_not_exceed_debits && *credits > cb.debits_posted)
      return fail("exceeds_debits",
                  "account " + r.credit + " cannot take " + std::to_string(r.amount));
    ov.set_balance(r.debit, db);
    ov.set_balance(r.credit, cb);
    if (!posted) {
      rec.expires_at_ms = r.timeout_s > 0 ? now_ms + r.timeout_s * 1000 : 0;
      ov.set_pending(r.id, pending_transfer{r.debit, r.credit, r.amount, rec.expires_at_ms});
    }
  } else if (r.kind == transfer_kind::post || r.kind == transfer_kind::void_pending) {
    auto p = ov.pending_of(r.pending_id);
    if (!p)
      return fail("pending_not_found", "no pending transfer " + r.pending_id +
                                         " (it may have been posted, voided or expired)");
    if (p->expires_at_ms > 0 && p->expires_at_ms <= now_ms)
      return fail("pending_expired", "pending transfer " + r.pending_id + " expired");
    if ((!r.debit.empty() && r.debit != p->debit) || (!r.credit.empty() && r.credit != p->credit))
      return fail("pending_mismatch", "the accounts are not the pending transfer's");
    bool post = r.kind == transfer_kind::post;
    auto amount = r.amount == 0 ? p->amount : r.amount;
    if (r.amount < 0 || amount > p->amount || (!post && amount != p->amount))
      return fail("exceeds_pending_amount",
                  "at most the pending amount " + std::to_string(p->amount) + " may be posted");
    auto db = ov.account_of(p->debit)->b;
    auto cb = ov.account_of(p->credit)->b;
    db.debits_pending -= p->amount;
    cb.credits_pending -= p->amount;
    if (post) {
      db.debits_posted += amount;  // within what was reserved: cannot overflow or overdraw
      cb.credits_posted += amount;
    }
    ov.set_balance(p->debit, db);
    ov.set_balance(p->credit, cb);
    ov.set_pending(r.pending_id, std::nullopt);
    rec.debit = p->debit;
    rec.credit = p->credit;
    rec.amount = post ? amount : p->amount;
  } else {
    return fail("invalid", "expiries are the ledger's own");
  }
  ov.mark_seen(r.id, print);
  records.push_back(std::move(rec));
  return {};
}

std::vector<transfer_result> book::plan_into(overlay& ov,
                                             const std::vector<transfer_request>& batch,
                                             std::int64_t now_ms,
                                             std::vector<transfer_record>& records) {
  std::vector<transfer_result> results(batch.size());
  for (std::size_t first = 0; first < batch.size();) {
    // A chain: transfers flagged `linked`, ended by the first one that is not.
    std::size_t last = first;
    while (last < batch.size() && batch[last].linked)
      ++last;
    const bool open = last == batch.size();
    if (open)
      last = batch.size() - 1;
    const auto undo_to = ov.mark();
    const auto records_before = records.size();
    std::optional<std::size_t> failed;
    for (auto k = first; k <= last && !failed; ++k) {
      results[k] = open && k == last
                     ? fail("linked_chain_open", "the last transfer of a batch cannot be linked")
                     : step(ov, batch[k], now_ms, records);
      if (!results[k].ok())
        failed = k;
    }
    if (failed) {
      ov.roll_back(undo_to);
      records.resize(records_before);
      for (auto k = first; k <= last; ++k)
        if (k != *failed)
          results[k] = fail("linked_event_failed", "a transfer linked to this one failed");
    }
    first = last + 1;
  }
  return results;
}

plan_result book::plan(const std::vector<transfer_request>& batch, std::int64_t now_ms) const {
  plan_result out;
  overlay ov{*this};
  out.results = plan_into(ov, batch, now_ms, out.records);
  return out;
}

std::pair<std::vector<std::vector<transfer_result>>, std::vector<transfer_record>> book::plan_many(
  const std::vector<std::vector<transfer_request>>& batches, std::int64_t now_ms) const {
  std::pair<std::vector<std::vector<transfer_result>>, std::vector<transfer_record>> out;
  overlay ov{*this};
  for (auto& batch : batches)
    out.first.push_back(plan_into(ov, batch, now_ms, out.second));
  return out;
}

void book::apply(const transfer_record& r) {
  auto debit = accounts_.find(r.debit);
  auto credit = accounts_.find(r.credit);
  if (debit == accounts_.end() || credit == accounts_.end())
    return;  // cannot happen for journaled records; never crash a replay over it
  auto& db = debit->second.b;
  auto& cb = credit->second.b;
  switch (r.kind) {
    case transfer_kind::posted:
      db.debits_posted += r.amount;
      cb.credits_posted += r.amount;
      break;
    case transfer_kind::pending:
      db.debits_pending += r.amount;
      cb.credits_pending += r.amount;
      pending_[r.id] = pending_transfer{r.debit, r.credit, r.amount, r.expires_at_ms};
      break;
    case transfer_kind::post:
    case transfer_kind::void_pending:
    case transfer_kind::expire: {
      auto p = pending_.find(r.pending_id);
      if (p == pending_.end())
        return;
      db.debits_pending -= p->second.amount;
      cb.credits_pending -= p->second.amount;
      if (r.kind == transfer_kind::post) {
        db.debits_posted += r.amount;
        cb.credits_posted += r.amount;
      }
      pending_.erase(p);
      break;
    }
  }
  if (r.kind != transfer_kind::expire)
    seen_[r.id] = r.fingerprint;
}

std::vector<transfer_record> book::due_expiries(std::int64_t now_ms) const {
  std::vector<transfer_record> out;
  for (auto& [id, p] : pending_)
    if (p.expires_at_ms > 0 && p.expires_at_ms <= now_ms)
      out.push_back({{"", transfer_kind::expire, p.debit, p.credit, p.amount, "", id}, 0, 0});
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.pending_id < b.pending_id; });
  return out;
}

std::optional<std::int64_t> book::next_expiry() const {
  std::optional<std::int64_t> next;
  for (auto& [_, p] : pending_)
    if (p.expires_at_ms > 0 && (!next || p.expires_at_ms < *next))
      next = p.expires_at_ms;
  return next;
}

json to_json_value(const transfer_record& r) {
  json j{
    {"kind", kind_name(r.kind)}, {"debit", r.debit}, {"credit", r.credit}, {"amount", r.amount}};
  if (!r.id.empty())
    j["id"] = r.id;
  if (!r.code.empty())
    j["code"] = r.code;
  if (!r.pending_id.empty())
    j["pending_id"] = r.pending_id;
  if (r.expires_at_ms)
    j["expires_at_ms"] = r.expires_at_ms;
  if (r.fingerprint)
    j["fp"] = r.fingerprint;
  return j;
}

transfer_record record_from_json(const json& j) {
  transfer_record r;
  r.id = j.value("id", "");
  r.kind = kind_of(j.at("kind").get<std::string>()).value_or(transfer_kind::posted);
  r.debit = j.at("debit").get<std::string>();
  r.credit = j.at("credit").get<std::string>();
  r.amount = j.at("amount").get<std::int64_t>();
  r.code = j.value("code", "");
  r.pending_id = j.value("pending_id", "");
  r.expires_at_ms = j.value("expires_at_ms", std::int64_t{0});
  r.fingerprint = j.value("fp", std::uint64_t{0});
  return r;
}

json balance_json(const std::string& id, const account& a) {
  return json{{"id", id},
              {"currency", a.currency},
              {"debits_must_not_exceed_credits", a.debits_must_not_exceed_credits},
              {"credits_must_not_exceed_debits", a.credits_must_not_exceed_debits},
              {"debits_posted", a.b.debits_posted},
              {"credits_posted", a.b.credits_posted},
              {"debits_pending", a.b.debits_pending},
              {"credits_pending", a.b.credits_pending}};
}

json book::snapshot() const {
  json accounts = json::object();
  for (auto& [id, a] : accounts_)
    accounts[id] = balance_json(id, a);
  json pending = json::object();
  for (auto& [id, p] : pending_)
    pending[id] = json{{"debit", p.debit},
                       {"credit", p.credit},
                       {"amount", p.amount},
                       {"expires_at_ms", p.expires_at_ms}};
  json seen = json::object();
  for (auto& [id, print] : seen_)
    seen[id] = print;
  return json{{"accounts", accounts}, {"pending", pending}, {"seen", seen}};
}

void book::restore(const json& j) {
  for (auto& [id, a] : j.at("accounts").items()) {
    account acc{a.at("currency").get<std::string>(),
                a.value("debits_must_not_exceed_credits", false),
                a.value("credits_must_not_exceed_debits", false),
                {}};
    acc.b = {a.at("debits_posted").get<std::int64_t>(), a.at("credits_posted").get<std::int64_t>(),
             a.at("debits_pending").get<std::int64_t>(),
             a.at("credits_pending").get<std::int64_t>()};
    accounts_[id] = std::move(acc);
  }
  for (auto& [id, p] : j.at("pending").items())
    pending_[id] = {p.at("debit").get<std::string>(), p.at("credit").get<std::string>(),
                    p.at("amount").get<std::int64_t>(), p.value("expires_at_ms", std::int64_t{0})};
  for (auto& [id, print] : j.at("seen").items())
    seen_[id] = print.get<std::uint64_t>();
}

}  // namespace aethex::actors::ledger

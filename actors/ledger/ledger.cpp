#include "actors/ledger/ledger.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/core/event_sourced.hpp"
#include "actors/ledger/ledger_book.hpp"
#include "runtime/errors.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;
namespace lg = ledger;

using ledger_timer_atom = caf::atom_constant<caf::atom("ledgertime")>;
using ledger_flush_atom = caf::atom_constant<caf::atom("ledgerflsh")>;

namespace ev {
struct accounts_opened {
  static constexpr std::string_view type = "ledger.accounts_opened";
  static constexpr std::uint32_t schema = 1;
  std::vector<lg::account_spec> accounts;
};
void to_json(json& j, const accounts_opened& e) {
  json list = json::array();
  for (auto& a : e.accounts)
    list.push_back(json{{"id", a.id},
                        {"currency", a.currency},
                        {"debits_must_not_exceed_credits", a.debits_must_not_exceed_credits},
                        {"credits_must_not_exceed_debits", a.credits_must_not_exceed_debits}});
  j = json{{"accounts", std::move(list)}};
}
void from_json(const json& j, accounts_opened& e) {
  for (auto& a : j.at("accounts"))
    e.accounts.push_back({a.at("id").get<std::string>(), a.at("currency").get<std::string>(),
                          a.value("debits_must_not_exceed_credits", false),
                          a.value("credits_must_not_exceed_debits", false)});
}
struct transfers {
  static constexpr std::string_view type = "ledger.transfers";
  static constexpr std::uint32_t schema = 1;
  std::vector<lg::transfer_record> records;
};
void to_json(json& j, const transfers& e) {
  json list = json::array();
  for (auto& r : e.records)
    list.push_back(lg::to_json_value(r));
  j = json{{"transfers", std::move(list)}};
}
void from_json(const json& j, transfers& e) {
  for (auto& r : j.at("transfers"))
    e.records.push_back(lg::record_from_json(r));
}
}  // namespace ev

// A request's transfers waiting for the write that its neighbours in the mailbox share.
struct staged_request {
  std::vector<lg::transfer_request> batch;
  caf::typed_response_promise<std::string> promise;
};

struct ledger_state {
  static constexpr std::string_view kind = "ledger";
  static inline const char* name = "ledger";
  using events = event_list<ev::accounts_opened, ev::transfers>;
  lg::book book;
  bool timer_armed = false;
  std::vector<staged_request> staged;
  bool flush_queued = false;

  // Pending transfers expire on the ledger's own timer: it stays active while any has a timeout.
  bool keep_active() const { return book.next_expiry().has_value() || !staged.empty(); }

  void apply(const ev::accounts_opened& e, const event_meta&) {
    for (auto& a : e.accounts)
      book.open(a);
  }
  void apply(const ev::transfers& e, const event_meta&) {
    for (auto& r : e.records)
      book.apply(r);
  }
  std::string snapshot() const { return book.snapshot().dump(); }
  void restore(const std::string& text) { book.restore(json::parse(text)); }
};

using ledger_actor = caf::stateful_actor<event_sourced<ledger_state>>;

constexpr std::uint64_t ledger_snapshot_every = 1000;
constexpr auto expiry_check_every = std::chrono::seconds(1);

caf::expected<json> batch_of(const std::string& body, const char* key) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains(key) || !j[key].is_array())
    return make_error(errc::invalid_json, std::string{"the body is {\""} + key + "\": [...]}");
  auto& list = j[key];
  if (list.empty() || list.size() > lg::limits::max_batch)
    return make_error(errc::invalid_argument, std::string{"1 to 8190 "} + key + " per request");
  for (auto& item : list)
    if (!item.is_object())
      return make_error(errc::invalid_argument, std::string{"each of "} + key + " is an object");
  return std::move(list);
}

json results_json(const std::vector<lg::transfer_result>& results) {
  json list = json::array();
  for (auto& r : results) {
    json item{{"status", r.status}};
    if (!r.message.empty())
      item["message"] = r.message;
    list.push_back(std::move(item));
  }
  return json{{"results", std::move(list)}};
}

// A client's transfer; fields of the wrong type make it invalid (id "" is refused by the book).
lg::transfer_request request_of(const json& t) {
  auto text = [&](const char* key) {
    auto it = t.find(key);
    return it != t.end() && it->is_string() ? it->get<std::string>() : std::string{};
  };
  auto number = [&](const char* key) -> std::int64_t {
    auto it = t.find(key);
    if (it == t.end())
      return 0;
    return it->is_number_integer() ? it->get<std::int64_t>() : -1;  // -1: refused as invalid
  };
  lg::transfer_request r;
  r.id = text("id");
  r.debit = text("debit");
  r.credit = text("credit");
  r.amount = number("amount");
  r.code = text("code");
  r.timeout_s = number("timeout_s");
  r.linked = t.value("linked", false) == true;
  if (auto post = text("post"); !post.empty()) {
    r.kind = lg::transfer_kind::post;
    r.pending_id = post;
  } else if (auto voided = text("void"); !voided.empty()) {
    r.kind = lg::transfer_kind::void_pending;
    r.pending_id = voided;
  } else if (t.value("pending", false) == true) {
    r.kind = lg::transfer_kind::pending;
  }
  return r;
}

void arm_expiry_timer(ledger_actor* self) {
  auto& st = self->state;
  if (st.timer_armed || !st.book.next_expiry())
    return;
  st.timer_armed = true;
  self->delayed_send(self, expiry_check_every, ledger_timer_atom::value);
}

caf::error expire_due(ledger_actor* self) {
  auto& st = self->state;
  auto due = st.book.due_expiries(st.clock().now_ms());
  if (due.empty())
    return caf::none;
  return st.emit(ev::transfers{std::move(due)});
}

// Group commit: every transfer request that reached the mailbox before this flush is planned in
// order and journaled in one write, then each is answered. The flush message queues behind the
// requests already waiting, so a busy ledger writes once per mailbox's worth, an idle one at once.
void flush(ledger_actor* self) {
  auto& st = self->state;
  st.flush_queued = false;
  if (st.staged.empty())
    return;
  auto staged = std::move(st.staged);
  st.staged.clear();
  auto fail_all = [&](const caf::error& err) {
    for (auto& s : staged)
      s.promise.deliver(err);
  };
  if (auto err = expire_due(self))  // a transfer never posts what already timed out
    return fail_all(err);
  std::vector<std::vector<lg::transfer_request>> batches;
  batches.reserve(staged.size());
  for (auto& s : staged)
    batches.push_back(std::move(s.batch));
  auto [results, records] = st.book.plan_many(batches, st.clock().now_ms());
  if (!records.empty())
    if (auto err = st.emit(ev::transfers{std::move(records)}))
      return fail_all(err);
  arm_expiry_timer(self);
  for (std::size_t i = 0; i < staged.size(); ++i)
    staged[i].promise.deliver(results_json(results[i]).dump());
}

json summary(ledger_actor* self) {
  auto& book = self->state.book;
  return json{{"accounts", book.accounts().size()},
              {"pending", book.pending().size()},
              {"applied_ids", book.applied_ids()}};
}

caf::behavior ledger_behavior(ledger_actor* self, caf::actor registry, storage::event_store* store,
                              std::string id, const runtime::clock* clock) {
  if (auto err = self->state.activate(self, *store, id,
                                      {registry, clock, std::chrono::seconds(60),
                                       std::chrono::minutes(10), ledger_snapshot_every}))
    return self->state.refuse(self, err);
  arm_expiry_timer(self);
  return {
    [self](ledger_open_atom, const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      flush(self);  // transfers sent before this request are planned before it
      auto list = batch_of(body, "accounts");
      if (!list)
        return list.error();
      std::vector<lg::account_spec> specs;
      for (auto& a : *list)
        specs.push_back({a.value("id", ""), a.value("currency", ""),
                         a.value("debits_must_not_exceed_credits", false),
                         a.value("credits_must_not_exceed_debits", false)});
      auto [results, fresh] = st.book.plan_accounts(specs);
      if (!fresh.empty())
        if (auto err = st.emit(ev::accounts_opened{std::move(fresh)}))
          return err;
      return results_json(results).dump();
    },
    [self](ledger_transfer_atom, const std::string& body) -> caf::result<std::string> {
      auto& st = self->state;
      st.touch();
      auto list = batch_of(body, "transfers");
      if (!list)
        return list.error();
      std::vector<lg::transfer_request> batch;
      batch.reserve(list->size());
      for (auto& t : *list)
        batch.push_back(request_of(t));
      auto promise = self->make_response_promise<std::string>();
      st.staged.push_back({std::move(batch), promise});
      if (!st.flush_queued) {
        st.flush_queued = true;
        self->send(self, ledger_flush_atom::value);
      }
      return promise;
    },
    [self](ledger_flush_atom) { flush(self); },
    [self](ledger_account_atom, const std::string& id) -> caf::result<std::string> {
      auto& st = self->state;
      const auto* a = st.book.find(id);
      if (!a)
        return st.answer_read(self, make_error(errc::not_found, "no account " + id));
      st.touch();
      return lg::balance_json(id, *a).dump();
    },
    [self](ledger_tick_atom) -> caf::result<std::string> {
      flush(self);
      if (auto err = expire_due(self))
        return err;
      return summary(self).dump();
    },
    [self](get_atom) { return self->state.answer_read(self, summary(self).dump()); },
    [self](ledger_timer_atom) {
      self->state.timer_armed = false;
      (void)expire_due(self);  // a failed write is retried at the next check
      arm_expiry_timer(self);
    },
    self->state.stop_on_request(self),
    [self](idle_check_atom) { self->state.idle_check(self); },
  };
}

}  // namespace

void add_ledger_kind(runtime::entity_kinds& kinds, storage::event_store& store,
                     const runtime::clock& clock) {
  kinds.factories["ledger"] = [&store, &clock](caf::actor_system& sys, const caf::actor& registry,
                                               const std::string& id) {
    return sys.spawn(ledger_behavior, registry, &store, id, &clock);
  };
}

}  // namespace aethex::actors

// Ledger throughput with durable acknowledgement (scripts/bench/ledger/run): transfers/s and p99
// latency of ledger/main over a RocksDB store that fsyncs before answering, one transfer per
// request (64 requests in flight) and in batches (4 batches in flight); and the same transfers
// as SQLite transactions (WAL, synchronous=FULL: durable like the ledger) — one per transaction
// and one batch per transaction — as the same-run peer, with the ratios.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/ledger/ledger.hpp"
#include "runtime/entity_registry.hpp"
#include "storage/event_store.hpp"
#include "storage/sqlite_db.hpp"

using namespace aethex;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr int wallets = 1000;
constexpr int channels = 100;

struct figures {
  double per_s = 0;
  double p99_ms = 0;
};

double p99(std::vector<double> ms) {
  if (ms.empty())
    return 0;
  std::sort(ms.begin(), ms.end());
  return ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
}

json spend(std::size_t n) {
  return json{{"id", "x" + std::to_string(n)},
              {"debit", "wallet:" + std::to_string(n % wallets)},
              {"credit", "earnings:" + std::to_string(n % channels)},
              {"amount", 1 + static_cast<std::int64_t>(n % 7)}};
}

class ledger_client {
 public:
  ledger_client(caf::actor_system& sys, caf::actor registry) : self_(sys), registry_(registry) {}

  // A setup request, answered before the measured runs.
  void must(const json& body, bool accounts) {
    std::string text = body.dump();
    auto msg = accounts ? caf::make_message(actors::ledger_open_atom::value, text)
                        : caf::make_message(actors::ledger_transfer_atom::value, text);
    self_
      ->request(registry_, std::chrono::seconds(60), route_atom::value, std::string{"ledger"},
                std::string{"main"}, msg)
      .receive([](std::string&) {},
               [](caf::error& e) { std::fprintf(stderr, "ledger: %s\n", to_string(e).c_str()); });
  }

  // `total` transfers in requests of `batch`, at most `in_flight` requests unanswered.
  figures run(std::size_t first, std::size_t total, std::size_t batch, std::size_t in_flight) {
    std::deque<clock_type::time_point> sent;
    std::vector<double> latencies;
    std::size_t next = first, answered = 0, requests = (total + batch - 1) / batch;
    auto started = clock_type::now();
    auto send_one = [&] {
      json list = json::array();
      for (std::size_t i = 0; i < batch && next < first + total; ++i)
        list.push_back(spend(next++));
      self_->send(registry_, route_atom::value, std::string{"ledger"}, std::string{"main"},
                  caf::make_message(actors::ledger_transfer_atom::value,
                                    json{{"transfers", std::move(list)}}.dump()));
      sent.push_back(clock_type::now());
    };
    while (sent.size() < in_flight && next < first + total)
      send_one();
    while (answered < requests) {
      self_->receive([&](std::string&) {},
                     [&](caf::error& e) { std::fprintf(stderr, "%s\n", to_string(e).c_str()); });
      ++answered;
      latencies.push_back(
        std::chrono::duration<double, std::milli>(clock_type::now() - sent.front()).count());
      sent.pop_front();  // the entity answers in order
      if (next < first + total)
        send_one();
    }
    std::chrono::duration<double> took = clock_type::now() - started;
    return {static_cast<double>(total) / took.count(), p99(std::move(latencies))};
  }

 private:
  caf::scoped_actor self_;
  caf::actor registry_;
};

figures sqlite_run(const std::filesystem::path& file, std::size_t total, std::size_t batch) {
  storage::sqlite::database db{file};
  db.exec("PRAGMA synchronous=FULL");
  db.exec(
    "CREATE TABLE IF NOT EXISTS accounts(id TEXT PRIMARY KEY, debits INTEGER NOT NULL, "
    "credits INTEGER NOT NULL, no_overdraft INTEGER NOT NULL)");
  db.exec(
    "CREATE TABLE IF NOT EXISTS transfers(id TEXT PRIMARY KEY, debit TEXT NOT NULL, "
    "credit TEXT NOT NULL, amount INTEGER NOT NULL)");
  {
    storage::sqlite::transaction tx{db};
    for (int i = 0; i < wallets; ++i)
      db.exec("INSERT OR IGNORE INTO accounts VALUES('wallet:" + std::to_string(i) +
              "', 0, 1000000000, 1)");
    for (int i = 0; i < channels; ++i)
      db.exec("INSERT OR IGNORE INTO accounts VALUES('earnings:" + std::to_string(i) +
              "', 0, 0, 0)");
    tx.commit();
  }
  auto insert = db.prepare("INSERT INTO transfers VALUES(?1, ?2, ?3, ?4)");
  auto debit = db.prepare(
    "UPDATE accounts SET debits = debits + ?2 WHERE id = ?1 AND "
    "(no_overdraft = 0 OR debits + ?2 <= credits)");
  auto credit = db.prepare("UPDATE accounts SET credits = credits + ?2 WHERE id = ?1");
  std::vector<double> latencies;
  auto started = clock_type::now();
  for (std::size_t first = 0; first < total; first += batch) {
    auto t0 = clock_type::now();
    storage::sqlite::transaction tx{db};
    for (auto n = first; n < std::min(total, first + batch); ++n) {
      auto t = spend(n + 10'000'000);
      auto amount = t["amount"].get<std::int64_t>();
      insert.reset();
      insert.bind(1, t["id"].get<std::string>())
        .bind(2, t["debit"].get<std::string>())
        .bind(3, t["credit"].get<std::string>())
        .bind(4, amount)
        .run();
      debit.reset();
      debit.bind(1, t["debit"].get<std::string>()).bind(2, amount).run();
      credit.reset();
      credit.bind(1, t["credit"].get<std::string>()).bind(2, amount).run();
    }
    tx.commit();
    latencies.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
  }
  std::chrono::duration<double> took = clock_type::now() - started;
  return {static_cast<double>(total) / took.count(), p99(std::move(latencies))};
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t single = 3000, batched = 200'000, batch = 1000;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "aethex-ledger-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--single")
      single = std::stoul(argv[i + 1]);
    else if (flag == "--transfers")
      batched = std::stoul(argv[i + 1]);
    else if (flag == "--batch")
      batch = std::stoul(argv[i + 1]);
    else if (flag == "--dir")
      dir = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto store = storage::event_store::open(dir / "events");  // fsync before acknowledging
    caf::actor_system_config cfg;
    caf::actor_system sys{cfg};
    runtime::entity_kinds kinds;
    actors::add_ledger_kind(kinds, *store);
    auto registry = runtime::spawn_entity_registry(sys, std::move(kinds));
    ledger_client client{sys, registry};
    json accounts = json::array();
    for (int i = 0; i < wallets; ++i)
      accounts.push_back({{"id", "wallet:" + std::to_string(i)},
                          {"currency", "USD"},
                          {"debits_must_not_exceed_credits", true}});
    for (int i = 0; i < channels; ++i)
      accounts.push_back({{"id", "earnings:" + std::to_string(i)}, {"currency", "USD"}});
    accounts.push_back({{"id", "provider"}, {"currency", "USD"}});
    client.must(json{{"accounts", accounts}}, true);
    json funding = json::array();
    for (int i = 0; i < wallets; ++i)
      funding.push_back({{"id", "fund" + std::to_string(i)},
                         {"debit", "provider"},
                         {"credit", "wallet:" + std::to_string(i)},
                         {"amount", 1'000'000'000}});
    client.must(json{{"transfers", funding}}, false);

    auto one = client.run(0, single, 1, 64);
    auto many = client.run(single, batched, batch, 4);
    auto sql_one = sqlite_run(dir / "peer-single.db", single, 1);
    auto sql_many = sqlite_run(dir / "peer-batched.db", batched, batch);
    std::printf("ledger single  (1 per request, 64 in flight): %10.0f transfers/s  p99 %7.2f ms\n",
                one.per_s, one.p99_ms);
    std::printf("sqlite single  (1 per transaction)          : %10.0f transfers/s  p99 %7.2f ms\n",
                sql_one.per_s, sql_one.p99_ms);
    std::printf("ledger batched (%zu per request)            : %10.0f transfers/s  p99 %7.2f ms\n",
                batch, many.per_s, many.p99_ms);
    std::printf("sqlite batched (%zu per transaction)        : %10.0f transfers/s  p99 %7.2f ms\n",
                batch, sql_many.per_s, sql_many.p99_ms);
    std::printf("ratio ledger/sqlite: single %.2fx, batched %.2fx\n", one.per_s / sql_one.per_s,
                many.per_s / sql_many.per_s);
    caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
  }
  std::filesystem::remove_all(dir);
  return 0;
}

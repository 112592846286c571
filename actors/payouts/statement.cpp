// Earnings statements: a month's payments from the payouts read model, summed per product, with
// what is still on hold and what was paid out; the same rows as CSV.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <tuple>

#include "actors/payouts/internal.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string utc_date(std::int64_t ms) {
  std::int64_t z = ms / 86'400'000 + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char text[40];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02u", static_cast<long long>(y), m % 100, d % 100);
  return text;
}

std::string units(std::int64_t minor) {
  auto sign = minor < 0 ? "-" : "";
  minor = minor < 0 ? -minor : minor;
  auto cents = std::to_string(minor % 100);
  return sign + std::to_string(minor / 100) + "." + (cents.size() < 2 ? "0" : "") + cents;
}

// Ids are ledger ids ([a-z0-9:_.-]): never quoted, but one starting with '-' is defused for
// spreadsheets as the analytics CSV does.
std::string csv_text(std::string text) {
  if (!text.empty() && std::string_view{"=+-@"}.find(text[0]) != std::string_view::npos)
    return "\"'" + text + "\"";
  if (text.find_first_of(",\"\r\n") != std::string::npos)
    return "\"" + text + "\"";
  return text;
}

}  // namespace

std::optional<std::pair<std::int64_t, std::int64_t>> month_range(std::string_view month) {
  if (month.size() != 7 || month[4] != '-')
    return std::nullopt;
  int year = 0, mon = 0;
  auto y = std::from_chars(month.data(), month.data() + 4, year);
  auto m = std::from_chars(month.data() + 5, month.data() + 7, mon);
  if (y.ec != std::errc{} || y.ptr != month.data() + 4 || m.ec != std::errc{} ||
      m.ptr != month.data() + 7 || year < 1970 || year > 2200 || mon < 1 || mon > 12)
    return std::nullopt;
  auto from = days_from_civil(year, static_cast<unsigned>(mon), 1);
  auto to = mon == 12 ? days_from_civil(year + 1, 1, 1)
                      : days_from_civil(year, static_cast<unsigned>(mon + 1), 1);
  return std::pair{from * 86'400'000, to * 86'400'000};
}

std::string month_of_ms(std::int64_t ms) { return utc_date(ms).substr(0, 7); }

json build_statement(std::string_view channel, std::string_view month, std::string_view currency,
                     std::vector<json> rows) {
  std::sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    return std::tuple{a.value("at_ms", std::int64_t{0}), a.value("payment", ""),
                      a.value("n", std::int64_t{0})} < std::tuple{b.value("at_ms", std::int64_t{0}),
                                                                  b.value("payment", ""),
                                                                  b.value("n", std::int64_t{0})};
  });
  auto range = month_range(month);
  std::int64_t gross = 0, cut = 0, fee = 0, net = 0, on_hold = 0, refunded = 0, paid_out = 0;
  std::map<std::string, json> products;
  json payments = json::array(), payouts = json::array();
  for (auto& r : rows) {
    if (r.value("row", "") == "payout") {
      auto settled = r.value("settled_at_ms", std::int64_t{0});
      if (r.value("status", "") == "paid" && range && settled >= range->first &&
          settled < range->second)
        paid_out += r.value("amount", std::int64_t{0});
      r.erase("row");
      payouts.push_back(std::move(r));
      continue;
    }
    auto status = r.value("status", "");
    auto n = r.value("net", std::int64_t{0});
    if (status == "refunded") {
      refunded += r.value("gross", std::int64_t{0});
    } else {
      gross += r.value("gross", std::int64_t{0});
      cut += r.value("cut", std::int64_t{0});
      fee += r.value("fee", std::int64_t{0});
      net += n;
      if (status == "held")
        on_hold += n;
      auto product = r.value("product", "");
      auto& p = products[product.empty() ? "other" : product];
      if (p.is_null())
        p = json{{"product", product.empty() ? "other" : product},
                 {"count", 0},
                 {"gross", 0},
                 {"cut", 0},
                 {"fee", 0},
                 {"net", 0}};
      p["count"] = p["count"].get<std::int64_t>() + 1;
      for (auto key : {"gross", "cut", "fee", "net"})
        p[key] = p[key].get<std::int64_t>() + r.value(key, std::int64_t{0});
    }
    r.erase("row");
    r["date"] = utc_date(r.value("at_ms", std::int64_t{0}));
    if (r.value("currency", "").empty())
      r["currency"] = currency;
    payments.push_back(std::move(r));
  }
  json by_product = json::array();
  for (auto& [name, p] : products)
    by_product.push_back(std::move(p));
  return json{{"channel", channel},
              {"month", month},
              {"currency", currency},
              {"from_ms", range ? range->first : 0},
              {"to_ms", range ? range->second : 0},
              {"totals",
               {{"gross", gross},
                {"cut", cut},
                {"fee", fee},
                {"net", net},
                {"on_hold", on_hold},
                {"refunded", refunded},
                {"paid_out", paid_out}}},
              {"products", std::move(by_product)},
              {"payments", std::move(payments)},
              {"payouts", std::move(payouts)}};
}

std::string statement_csv(const json& statement) {
  std::string out = "date,payment,product,gross,cut,fee,net,status\r\n";
  for (auto& p : statement.at("payments"))
    out += p.value("date", "") + "," + csv_text(p.value("payment", "")) + "," +
           csv_text(p.value("product", "")) + "," + units(p.value("gross", std::int64_t{0})) + "," +
           units(p.value("cut", std::int64_t{0})) + "," + units(p.value("fee", std::int64_t{0})) +
           "," + units(p.value("net", std::int64_t{0})) + "," + p.value("status", "") + "\r\n";
  return out;
}

}  // namespace aethex::actors

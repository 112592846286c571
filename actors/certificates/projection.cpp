#include "actors/certificates/projection.hpp"

#include <stdexcept>

#include "actors/certificates/certificates.hpp"
#include "storage/event_schema.hpp"

namespace aethex::actors {
namespace {

using json = nlohmann::json;

constexpr std::string_view certificate_stream_prefix = "certificate/";

const storage::event_schema_registry& certificate_schemas() {
  static storage::event_schema_registry registry;
  static const bool declared = [] {
    for (const char* type : {"certificate.issued", "certificate.revoked"})
      registry.declare(type, 1);
    return true;
  }();
  (void)declared;
  return registry;
}

json certificate_rows(storage::sqlite::database& db, const char* column, const std::string& value,
                      const owns_fn& owns) {
  auto rows = json::array();
  auto q = db.prepare(
    std::string{"SELECT code, course, title, user, display_name, issuer, issued_at_ms, revoked, "
                "reason FROM certificates WHERE "} +
    column + " = ?1 ORDER BY issued_at_ms DESC, code LIMIT ?2");
  q.bind(1, value).bind(2, static_cast<std::int64_t>(certificate_limits::per_course_max));
  while (q.step()) {
    auto code = q.column_text(0);
    if (!owns("certificate", code))
      continue;
    bool revoked = q.column_int64(7) != 0;
    rows.push_back(json{{"code", code},
                        {"course", q.column_text(1)},
                        {"title", q.column_text(2)},
                        {"user", q.column_text(3)},
                        {"display_name", q.column_text(4)},
                        {"issuer", q.column_text(5)},
                        {"issued_at_ms", q.column_int64(6)},
                        {"revoked", revoked},
                        {"reason", revoked ? json(q.column_text(8)) : json(nullptr)}});
  }
  return rows;
}

}  // namespace

void certificates_projection::create_schema(storage::sqlite::database& db) {
  db.exec(
    "CREATE TABLE IF NOT EXISTS certificates(code TEXT PRIMARY KEY, course TEXT NOT NULL, "
    "title TEXT NOT NULL, user TEXT NOT NULL, display_name TEXT NOT NULL, issuer TEXT NOT NULL, "
    "issued_at_ms INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL "
    "DEFAULT '')");
  db.exec("CREATE INDEX IF NOT EXISTS certificates_by_user ON certificates(user, issued_at_ms)");
  db.exec(
    "CREATE INDEX IF NOT EXISTS certificates_by_course ON certificates(course, issued_at_ms)");
}

void certificates_projection::reset(storage::sqlite::database& db) {
  db.exec("DELETE FROM certificates");
}

void certificates_projection::apply(storage::sqlite::transaction& tx,
                                    const storage::recorded_event& e) {
  if (!e.stream.starts_with(certificate_stream_prefix))
    return;
  if (auto problem = certificate_schemas().check(e))
    throw std::runtime_error(*problem);
  auto body = json::parse(e.data.payload, nullptr, false);
  if (!body.is_object())
    throw std::runtime_error("certificates: malformed payload in " + e.stream + " seq " +
                             std::to_string(e.seq));
  auto code = e.stream.substr(certificate_stream_prefix.size());
  auto& db = tx.db();
  if (e.data.type == "certificate.issued") {
    db.prepare(
        "INSERT OR REPLACE INTO certificates(code, course, title, user, display_name, issuer, "
        "issued_at_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind(1, code)
      .bind(2, body.value("course", ""))
      .bind(3, body.value("title", ""))
      .bind(4, body.value("user", ""))
      .bind(5, body.value("display_name", ""))
      .bind(6, body.value("issuer", ""))
      .bind(7, e.data.timestamp_ms)
      .run();
  } else if (e.data.type == "certificate.revoked") {
    db.prepare("UPDATE certificates SET revoked = 1, reason = ?2 WHERE code = ?1")
      .bind(1, code)
      .bind(2, body.value("reason", ""))
      .run();
  }
}

std::optional<std::uint64_t> certificates_projection::row_count(
  storage::sqlite::database& db) const {
  auto count = db.prepare("SELECT COUNT(*) FROM certificates");
  count.step();
  return static_cast<std::uint64_t>(count.column_int64(0));
}

json certificates_of_user(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  return certificate_rows(db, "user", args.value("user", std::string{}), owns);
}

json certificates_of_course(storage::sqlite::database& db, const json& args, const owns_fn& owns) {
  return certificate_rows(db, "course", args.value("course", std::string{}), owns);
}

}  // namespace aethex::actors

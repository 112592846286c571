#include "storage/sqlite_db.hpp"

#include <sqlite3.h>

namespace aethex::storage::sqlite {
namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw error("sqlite: " + std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

void check(sqlite3* db, int rc, std::string_view what) {
  if (rc != SQLITE_OK)
    fail(db, what);
}

}  // namespace

void statement::finalizer::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

statement::statement(sqlite3* db, std::string_view sql) : db_(db) {
  sqlite3_stmt* raw = nullptr;
  check(db, sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr),
        "prepare " + std::string(sql));
  stmt_.reset(raw);
}

statement& statement::bind(int index, std::int64_t value) {
  check(db_, sqlite3_bind_int64(stmt_.get(), index, value), "bind");
  return *this;
}

statement& statement::bind(int index, std::string_view value) {
  // A default string_view has a null data(), which SQLite would store as NULL, not ''.
  const char* text = value.data() ? value.data() : "";
  check(db_,
        sqlite3_bind_text(stmt_.get(), index, text, static_cast<int>(value.size()),
                          SQLITE_TRANSIENT),
        "bind");
  return *this;
}

statement& statement::bind(int index, std::nullptr_t) {
  check(db_, sqlite3_bind_null(stmt_.get(), index), "bind");
  return *this;
}

statement& statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind(index, nullptr);
}

bool statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  fail(db_, "step");
}

void statement::run() {
  while (step()) {
  }
  reset();
}

void statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::int64_t statement::column_int64(int index) const {
  return sqlite3_column_int64(stmt_.get(), index);
}

std::string statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_.get(), index);
  if (!text)
    return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), index))};
}

bool statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL;
}

void database::closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

database::database(const std::filesystem::path& file, mode m) : path_(file) {
  const int flags = m == mode::read_only ? SQLITE_OPEN_READONLY
                                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK)
    fail(raw, "open " + file.string());
  sqlite3_busy_timeout(raw, 5000);
  // Reads through a memory map: a query touching hundreds of pages (a search over 100k channels)
  // costs no read() call per page, and the pages are the OS cache's, not private memory.
  exec("PRAGMA mmap_size=268435456");
  if (m == mode::read_write) {
    exec("PRAGMA journal_mode=WAL");
    // Read models are derived data: a transaction lost to power failure is replayed from the
    // checkpoint that was lost with it, so NORMAL (no fsync per commit) is safe here.
    exec("PRAGMA synchronous=NORMAL");
  }
}

void database::exec(std::string_view sql) {
  char* message = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string detail = message ? message : sqlite3_errmsg(db_.get());
    sqlite3_free(message);
    throw error("sqlite: exec " + text + ": " + detail);
  }
}

statement database::prepare(std::string_view sql) { return statement(db_.get(), sql); }

statement_lease database::cached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    if (cache_.size() >= max_cached_statements)
      cache_.clear();  // queries built from varying text: start over rather than grow
    it = cache_.emplace(std::string{sql}, std::make_unique<statement>(db_.get(), sql)).first;
  }
  return statement_lease{*it->second};
}

transaction::transaction(database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

transaction::~transaction() {
  if (open_)
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace aethex::storage::sqlite

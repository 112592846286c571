// Thin RAII wrapper over SQLite for read models: one connection, prepared statements,
// transactions that roll back unless committed.
//
// A connection is used by one thread at a time. Query read models from another thread through a
// separate connection (WAL mode lets readers run alongside the projection writer).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace aethex::storage::sqlite {

class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class statement {
 public:
  statement(sqlite3* db, std::string_view sql);

  statement& bind(int index, std::int64_t value);  // 1-based, as in SQLite
  statement& bind(int index, std::string_view value);
  statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  statement& bind(int index, std::nullptr_t);
  /// Binds an optional text: nullopt becomes SQL NULL.
  statement& bind(int index, const std::optional<std::string>& value);

  /// Advances; true while a row is available.
  bool step();
  /// Runs a statement that returns no rows, then resets it for reuse.
  void run();
  /// Clears bindings and rewinds so the statement can run again.
  void reset();

  std::int64_t column_int64(int index) const;  // 0-based, as in SQLite
  std::string column_text(int index) const;    // "" for NULL
  bool column_is_null(int index) const;

 private:
  struct finalizer {
    void operator()(sqlite3_stmt* s) const;
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, finalizer> stmt_;
};

/// A cached statement on loan (database::cached): reset when the loan ends, so no half-read
/// statement keeps the connection's read snapshot open.
class statement_lease {
 public:
  explicit statement_lease(statement& s) : s_(&s) {}
  ~statement_lease() { s_->reset(); }
  statement_lease(const statement_lease&) = delete;
  statement_lease& operator=(const statement_lease&) = delete;
  statement* operator->() const { return s_; }
  statement& operator*() const { return *s_; }

 private:
  statement* s_;
};

class database {
 public:
  enum class mode { read_write, read_only };

  /// Opens (creating for read_write) the file in WAL mode. Throws sqlite::error.
  explicit database(const std::filesystem::path& file, mode m = mode::read_write);

  void exec(std::string_view sql);
  statement prepare(std::string_view sql);
  /// The connection's prepared copy of `sql`, ready to bind: for queries run on every request,
  /// whose preparing (an FTS5 MATCH's above all) costs more than running them. At most
  /// max_cached_statements are kept; a full cache starts over, so hold one lease at a time.
  statement_lease cached(std::string_view sql);
  static constexpr std::size_t max_cached_statements = 64;
  sqlite3* handle() const { return db_.get(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  struct closer {
    void operator()(sqlite3* db) const;
  };
  std::filesystem::path path_;
  std::unique_ptr<sqlite3, closer> db_;
  // After db_: statements are finalised before the connection closes.
  std::map<std::string, std::unique_ptr<statement>, std::less<>> cache_;
};

/// BEGIN IMMEDIATE on construction (takes the write lock up front, so no upgrade deadlocks);
/// rolls back in the destructor unless commit() ran.
class transaction {
 public:
  explicit transaction(database& db);
  ~transaction();
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

  void commit();
  database& db() { return db_; }

 private:
  database& db_;
  bool open_ = true;
};

}  // namespace aethex::storage::sqlite

// The few SQLite calls the journal makes, as RAII types with Result errors: a Database
// (one connection) and a Statement (one prepared statement, bound by position).
//
// Thread safety: a Database and its Statements are used by one thread at a time (the
// journal holds a mutex per connection).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace plumb::journal {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt) {
    other.m_stmt = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  // Parameters count from 1, as in SQL's ?1, ?2.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::string_view value);
  // Runs one step: true when a row is there to read, false when done.
  Result<bool> step();
  // Runs to the end (an INSERT, UPDATE, DELETE).
  Result<void> run();
  // Ready to run again with new bindings.
  void reset();

  int64_t integer(int column) const;
  std::string text(int column) const;

 private:
  sqlite3* m_db;
  sqlite3_stmt* m_stmt;
};

class Database {
 public:
  enum class Mode { create, existing };
  // Opens the file read-write; with Mode::existing, fails when there is none.
  static Result<Database> open(const std::string& path, Mode mode = Mode::create);
  Database() = default;
  ~Database();
  Database(Database&& other) noexcept : m_db(other.m_db) { other.m_db = nullptr; }
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs statements that return no rows ("PRAGMA ...; CREATE ...").
  Result<void> exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);
  // The first column of the first row of a query; nullopt when it has no row.
  Result<std::optional<int64_t>> single_integer(std::string_view sql);
  int64_t last_insert_id() const;
  void close();

 private:
  explicit Database(sqlite3* db) : m_db(db) {}
  sqlite3* m_db = nullptr;
};

}  // namespace plumb::journal

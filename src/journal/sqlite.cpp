#include "journal/sqlite.hpp"

#include <sqlite3.h>

namespace plumb::journal {
namespace {

Error sqlite_error(sqlite3* db, std::string_view what) {
  return Error(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

Statement::~Statement() {
  if (m_stmt) sqlite3_finalize(m_stmt);
}

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(m_stmt, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(sqlite_error(m_db, "sqlite step"));
}

Result<void> Statement::run() {
  while (TRY(step())) {
  }
  reset();
  return {};
}

void Statement::reset() {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(m_stmt, column);
}

std::string Statement::text(int column) const {
  const unsigned char* text = sqlite3_column_text(m_stmt, column);
  int size = sqlite3_column_bytes(m_stmt, column);
  return text ? std::string(reinterpret_cast<const char*>(text), size_t(size)) : std::string();
}

Result<Database> Database::open(const std::string& path, Mode mode) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (mode == Mode::create) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = sqlite_error(db, path);
    sqlite3_close(db);
    return std::unexpected(error);
  }
  // A reader and the writer meet on the WAL's locks only briefly; wait rather than fail.
  sqlite3_busy_timeout(db, 5000);
  return Database(db);
}

Database::~Database() {
  close();
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    close();
    m_db = other.m_db;
    other.m_db = nullptr;
  }
  return *this;
}

void Database::close() {
  if (m_db) sqlite3_close_v2(m_db);
  m_db = nullptr;
}

Result<void> Database::exec(std::string_view sql) {
  char* message = nullptr;
  std::string text(sql);
  if (sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    Error error(std::string("sqlite: ") + (message ? message : sqlite3_errmsg(m_db)));
    sqlite3_free(message);
    return std::unexpected(error);
  }
  return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(m_db, sql.data(), int(sql.size()), &stmt, nullptr) != SQLITE_OK)
    return std::unexpected(sqlite_error(m_db, "sqlite prepare"));
  return Statement(m_db, stmt);
}

Result<std::optional<int64_t>> Database::single_integer(std::string_view sql) {
  Statement query = TRY(prepare(sql));
  if (!TRY(query.step())) return std::nullopt;
  return query.integer(0);
}

int64_t Database::last_insert_id() const {
  return sqlite3_last_insert_rowid(m_db);
}

}  // namespace plumb::journal

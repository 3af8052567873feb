#include "journal/store.hpp"

#include <string>

namespace plumb::journal {
namespace {

// Durability: in WAL mode, synchronous=FULL syncs the WAL at every commit, so a committed
// batch survives a power loss as well as a kill -9 (NORMAL survives kill -9 but may lose the
// last commits when the machine goes down). Events and statuses say a reconcile happened
// only after its entry is committed ("reported ⇒ durable"), so the journal pays one fsync
// per batch; batching keeps that cheap when reconciles come in bursts.
constexpr std::string_view k_setup =
    "PRAGMA auto_vacuum = INCREMENTAL;"  // takes effect only in a new file, before any table
    "PRAGMA journal_mode = WAL;"
    "PRAGMA synchronous = FULL;";

constexpr std::string_view k_tables = R"(
CREATE TABLE entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  api_version TEXT NOT NULL,
  kind TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  uid TEXT NOT NULL,
  trigger TEXT NOT NULL,
  trigger_detail TEXT NOT NULL,
  revision TEXT NOT NULL,
  commit_message TEXT NOT NULL,
  commit_author TEXT NOT NULL,
  result TEXT NOT NULL,
  failed INTEGER NOT NULL,
  error TEXT NOT NULL,
  health TEXT NOT NULL,
  actor TEXT NOT NULL,
  summary TEXT NOT NULL,
  dropped_diffs INTEGER NOT NULL
);
CREATE INDEX entries_by_object ON entries (kind, namespace, name, id);
CREATE INDEX entries_by_time ON entries (time_ms);
CREATE TABLE objects (
  entry_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  action TEXT NOT NULL,
  ref TEXT NOT NULL,
  message TEXT NOT NULL,
  diff TEXT NOT NULL,
  PRIMARY KEY (entry_id, seq)
) WITHOUT ROWID;
)";

constexpr std::string_view k_entry_columns =
    "id, time_ms, duration_ms, api_version, kind, namespace, name, uid, trigger, "
    "trigger_detail, revision, commit_message, commit_author, result, failed, error, health, "
    "actor, summary, dropped_diffs";

int64_t to_ms(SystemTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

Entry entry_of_row(const Statement& row) {
  Entry e;
  int c = 0;
  e.id = row.integer(c++);
  e.time = SystemTime(std::chrono::milliseconds(row.integer(c++)));
  e.duration = std::chrono::milliseconds(row.integer(c++));
  for (std::string* field :
       {&e.api_version, &e.kind, &e.namespace_, &e.name, &e.uid, &e.trigger, &e.trigger_detail,
        &e.revision, &e.commit_message, &e.commit_author, &e.result})
    *field = row.text(c++);
  e.failed = row.integer(c++) != 0;
  for (std::string* field : {&e.error, &e.health, &e.actor, &e.summary})
    *field = row.text(c++);
  e.dropped_diffs = row.integer(c++);
  return e;
}

// The objects of an entry, with their diffs or without.
Result<void> read_objects(Database& db, Entry& entry, bool diffs) {
  Statement query = TRY(db.prepare(diffs ? "SELECT action, ref, message, diff FROM objects "
                                           "WHERE entry_id = ?1 ORDER BY seq"
                                         : "SELECT action, ref, message, '' FROM objects "
                                           "WHERE entry_id = ?1 ORDER BY seq"));
  query.bind(1, entry.id);
  while (TRY(query.step()))
    entry.objects.push_back({query.text(0), query.text(1), query.text(2), query.text(3)});
  return {};
}

Result<void> delete_entries_where(Database& db, std::string_view condition, int64_t value) {
  std::string ids = "SELECT id FROM entries WHERE " + std::string(condition);
  Statement objects = TRY(db.prepare("DELETE FROM objects WHERE entry_id IN (" + ids + ")"));
  TRY_VOID(objects.bind(1, value).run());
  Statement entries = TRY(db.prepare("DELETE FROM entries WHERE " + std::string(condition)));
  return entries.bind(1, value).run();
}

// The schema version the file holds; 0 for a new file.
Result<int64_t> schema_version(Database& db) {
  auto table = TRY(db.single_integer(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"));
  if (table.value_or(0) == 0) {
    auto tables = TRY(db.single_integer("SELECT count(*) FROM sqlite_master"));
    if (tables.value_or(0) > 0) return fail("a SQLite database, but not a journal");
    return 0;
  }
  // max() of no rows is one NULL row, read as 0.
  auto version = TRY(db.single_integer("SELECT max(version) FROM schema_version"));
  int64_t found = version.value_or(0);
  if (found > Journal::k_schema_version)
    return fail("written by a newer Plumb (schema version ", std::to_string(found),
                ", this Plumb reads up to ", std::to_string(Journal::k_schema_version),
                "); use that Plumb, or another journal file");
  return found;
}

}  // namespace

Result<void> check_schema(Database& db) {
  if (TRY(schema_version(db)) == 0) return fail("empty: no journal was written here");
  return {};
}

Result<void> prepare_schema(Database& db) {
  TRY_VOID(db.exec(k_setup));
  if (TRY(schema_version(db)) == Journal::k_schema_version) return {};
  TRY_VOID(db.exec("BEGIN IMMEDIATE"));
  auto created = db.exec(std::string(k_tables) +
                         "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                         "INSERT INTO schema_version (version) VALUES (" +
                         std::to_string(Journal::k_schema_version) + ")");
  if (!created) {
    (void)db.exec("ROLLBACK");
    return created;
  }
  return db.exec("COMMIT");
}

Result<void> insert_entries(Database& db, size_t count,
                            const std::function<const Entry&(size_t)>& entry) {
  TRY_VOID(db.exec("BEGIN IMMEDIATE"));
  auto inserted = [&]() -> Result<void> {
    Statement insert_entry = TRY(db.prepare(
        "INSERT INTO entries (time_ms, duration_ms, api_version, kind, namespace, name, uid, "
        "trigger, trigger_detail, revision, commit_message, commit_author, result, failed, "
        "error, health, actor, summary, dropped_diffs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
        "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"));
    Statement insert_object =
        TRY(db.prepare("INSERT INTO objects (entry_id, seq, action, ref, message, diff) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    for (size_t i = 0; i < count; ++i) {
      const Entry& e = entry(i);
      int c = 1;
      insert_entry.bind(c++, to_ms(e.time));
      insert_entry.bind(c++, int64_t(e.duration.count()));
      for (const std::string* field :
           {&e.api_version, &e.kind, &e.namespace_, &e.name, &e.uid, &e.trigger, &e.trigger_detail,
            &e.revision, &e.commit_message, &e.commit_author, &e.result})
        insert_entry.bind(c++, *field);
      insert_entry.bind(c++, int64_t(e.failed));
      for (const std::string* field : {&e.error, &e.health, &e.actor, &e.summary})
        insert_entry.bind(c++, *field);
      insert_entry.bind(c++, e.dropped_diffs);
      TRY_VOID(insert_entry.run());
      int64_t id = db.last_insert_id();
      for (size_t seq = 0; seq < e.objects.size(); ++seq) {
        const ObjectChange& o = e.objects[seq];
        insert_object.bind(1, id).bind(2, int64_t(seq)).bind(3, o.action).bind(4, o.ref);
        insert_object.bind(5, o.message).bind(6, o.diff);
        TRY_VOID(insert_object.run());
      }
    }
    return {};
  }();
  if (!inserted) {
    (void)db.exec("ROLLBACK");
    return inserted;
  }
  return db.exec("COMMIT");
}

Result<std::vector<Entry>> select_entries(Database& db, const std::string& kind,
                                          const std::string& ns, const std::string& name,
                                          size_t limit) {
  Statement query = TRY(db.prepare("SELECT " + std::string(k_entry_columns) +
                                   " FROM entries WHERE kind = ?1 AND namespace = ?2 AND "
                                   "name = ?3 ORDER BY id DESC LIMIT ?4"));
  query.bind(1, kind).bind(2, ns).bind(3, name).bind(4, int64_t(limit));
  std::vector<Entry> out;
  while (TRY(query.step()))
    out.push_back(entry_of_row(query));
  for (Entry& e : out)
    TRY_VOID(read_objects(db, e, false));
  return out;
}

Result<std::optional<Entry>> select_entry(Database& db, int64_t id) {
  Statement query =
      TRY(db.prepare("SELECT " + std::string(k_entry_columns) + " FROM entries WHERE id = ?1"));
  query.bind(1, id);
  if (!TRY(query.step())) return std::nullopt;
  Entry e = entry_of_row(query);
  TRY_VOID(read_objects(db, e, true));
  return e;
}

Result<uint64_t> live_bytes(Database& db) {
  int64_t pages = TRY(db.single_integer("PRAGMA page_count")).value_or(0);
  int64_t unused = TRY(db.single_integer("PRAGMA freelist_count")).value_or(0);
  int64_t size = TRY(db.single_integer("PRAGMA page_size")).value_or(0);
  return uint64_t(std::max<int64_t>(0, pages - unused) * size);
}

Result<void> delete_old(Database& db, SystemTime oldest, uint64_t max_bytes) {
  TRY_VOID(db.exec("BEGIN IMMEDIATE"));
  auto deleted = [&]() -> Result<void> {
    TRY_VOID(delete_entries_where(db, "time_ms < ?1", to_ms(oldest)));
    // Over the size: the oldest tenth at a time, until the rest fits.
    while (TRY(live_bytes(db)) > max_bytes) {
      int64_t count = TRY(db.single_integer("SELECT count(*) FROM entries")).value_or(0);
      if (count == 0) break;
      int64_t first_kept =
          TRY(db.single_integer("SELECT id FROM entries ORDER BY id LIMIT 1 OFFSET " +
                                std::to_string(std::max<int64_t>(1, count / 10))))
              .value_or(INT64_MAX);
      TRY_VOID(delete_entries_where(db, "id < ?1", first_kept));
    }
    return {};
  }();
  if (!deleted) {
    (void)db.exec("ROLLBACK");
    return deleted;
  }
  TRY_VOID(db.exec("COMMIT"));
  return db.exec("PRAGMA incremental_vacuum");
}

}  // namespace plumb::journal

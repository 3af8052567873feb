// The journal's tables and the SQL that reads and writes them (private to the journal).
//
//   schema_version(version)                  one row: the schema the file holds
//   entries(id, time_ms, ..., summary)       one row per reconcile, drift repair, ...
//   objects(entry_id, seq, action, ref, message, diff)   what it did, object by object
//
// Thread safety: the caller holds the connection's mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "journal/journal.hpp"
#include "journal/sqlite.hpp"

namespace plumb::journal {

// Sets the connection up (WAL, synchronous, incremental auto-vacuum), creates the tables in
// a new file, and refuses a file whose schema is newer than k_schema_version.
Result<void> prepare_schema(Database& db);
// Refuses a file that is no journal, or one whose schema is newer than k_schema_version.
Result<void> check_schema(Database& db);

// Writes `count` entries (entry(i)) in one transaction.
Result<void> insert_entries(Database& db, size_t count,
                            const std::function<const Entry&(size_t)>& entry);

Result<std::vector<Entry>> select_entries(Database& db, const std::string& kind,
                                          const std::string& ns, const std::string& name,
                                          size_t limit);
Result<std::optional<Entry>> select_entry(Database& db, int64_t id);

// Deletes the entries older than `oldest`, then the oldest ones until the live data fits in
// max_bytes; returns the freed pages to the file system.
Result<void> delete_old(Database& db, SystemTime oldest, uint64_t max_bytes);
// Pages in use × page size.
Result<uint64_t> live_bytes(Database& db);

}  // namespace plumb::journal

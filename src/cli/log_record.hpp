// The controller's log lines as records: when, how severe, which object, what — written as
// plain text (the default, "HH:MM:SS message" as before) or one JSON object per line
// (`--log-format json`: {"ts","level","kind","namespace","name","msg"}, the object's fields
// empty when a line names none), and read back by `plumb logs`.
//
// The controller says what happened to an object as "Kind/namespace/name: message" (or
// "drift: Kind/namespace/name ..."); the object's fields come from that prefix. The level is
// "error" for a line that reports a failure (it says "failed", "cannot" or "error", in any
// case: "BuildFailed"), "info" otherwise.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace plumb::cli {

enum class LogFormat { text, json };
// "text" or "json".
std::optional<LogFormat> parse_log_format(std::string_view text);

struct LogRecord {
  std::string ts;     // RFC 3339 with fraction, UTC
  std::string level;  // "error", "info"
  std::string kind;
  std::string namespace_;
  std::string name;
  std::string msg;  // the whole line, as the text format shows it
};

LogRecord make_log_record(std::string_view line, SystemTime now);

// One line, newline included.
std::string format_json(const LogRecord& record);
// "HH:MM:SS message\n" in local time.
std::string format_text(const LogRecord& record, SystemTime now);

// A line of the JSON format; nullopt for anything else.
std::optional<LogRecord> parse_log_record(std::string_view line);

// Which records `plumb logs` prints: "" matches anything; level is the least severe shown
// (error: only errors; info and debug: everything).
struct LogFilter {
  std::string kind;  // case-insensitive
  std::string namespace_;
  std::string name;
  std::string level = "info";
  std::optional<SystemTime> since;
};
bool log_matches(const LogRecord& record, const LogFilter& filter);

// How `plumb logs` prints a record, as `flux logs` does:
// "TS LEVEL Kind/name.namespace - msg".
std::string format_for_logs(const LogRecord& record);

}  // namespace plumb::cli

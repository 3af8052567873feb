#include "cli/log_record.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "core/json.hpp"

namespace plumb::cli {
namespace {

bool equal_fold(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// "Kind/ns/name" or "Kind/name" at the start of text, up to ':' or ' '.
bool read_object(std::string_view text, LogRecord& r) {
  size_t end = text.find_first_of(": ");
  std::string_view ref = text.substr(0, end);
  size_t first = ref.find('/');
  if (first == std::string_view::npos || first == 0 ||
      !std::isupper(static_cast<unsigned char>(ref[0]))) {
    return false;
  }
  size_t second = ref.find('/', first + 1);
  r.kind = std::string(ref.substr(0, first));
  if (second == std::string_view::npos) {
    r.name = std::string(ref.substr(first + 1));
  } else {
    r.namespace_ = std::string(ref.substr(first + 1, second - first - 1));
    r.name = std::string(ref.substr(second + 1));
  }
  return !r.name.empty();
}

bool reports_failure(std::string_view line) {
  std::string lower(line);
  for (char& c : lower)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view word : {"failed", "cannot", "error"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::optional<LogFormat> parse_log_format(std::string_view text) {
  if (text == "text") return LogFormat::text;
  if (text == "json") return LogFormat::json;
  return std::nullopt;
}

LogRecord make_log_record(std::string_view line, SystemTime now) {
  LogRecord r;
  r.ts = format_rfc3339_nano(now);
  r.level = reports_failure(line) ? "error" : "info";
  r.msg = std::string(line);
  std::string_view rest = line;
  if (rest.starts_with("drift: ")) rest.remove_prefix(7);
  if (!read_object(rest, r)) r.kind = r.namespace_ = r.name = "";
  return r;
}

std::string format_json(const LogRecord& r) {
  Node out = Node::map();
  out.set("ts", Node::string(r.ts));
  out.set("level", Node::string(r.level));
  out.set("kind", Node::string(r.kind));
  out.set("namespace", Node::string(r.namespace_));
  out.set("name", Node::string(r.name));
  out.set("msg", Node::string(r.msg));
  return to_json(out) + "\n";
}

std::string format_text(const LogRecord& r, SystemTime now) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  localtime_r(&t, &tm);
  char stamp[16];
  std::strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
  return std::string(stamp) + " " + r.msg + "\n";
}

std::optional<LogRecord> parse_log_record(std::string_view line) {
  auto node = parse_json(line, "log");
  if (!node || !node->is_map() || !node->find("msg")) return std::nullopt;
  LogRecord r;
  r.ts = std::string(node->string_at({"ts"}));
  r.level = std::string(node->string_at({"level"}));
  r.kind = std::string(node->string_at({"kind"}));
  r.namespace_ = std::string(node->string_at({"namespace"}));
  r.name = std::string(node->string_at({"name"}));
  r.msg = std::string(node->string_at({"msg"}));
  return r;
}

bool log_matches(const LogRecord& r, const LogFilter& f) {
  if (!f.kind.empty() && !equal_fold(r.kind, f.kind)) return false;
  if (!f.namespace_.empty() && r.namespace_ != f.namespace_) return false;
  if (!f.name.empty() && r.name != f.name) return false;
  if (f.level == "error" && r.level != "error") return false;
  if (f.since) {
    auto at = parse_rfc3339(r.ts);
    if (!at || *at < *f.since) return false;
  }
  return true;
}

std::string format_for_logs(const LogRecord& r) {
  std::string object;
  std::string_view msg = r.msg;
  if (!r.kind.empty()) {
    object = r.kind + "/" + r.name;
    if (!r.namespace_.empty()) object += "." + r.namespace_;
    object += " - ";
    // The object is named once: "Kind/ns/name: " leaves the message.
    std::string prefix =
        r.kind + "/" + (r.namespace_.empty() ? "" : r.namespace_ + "/") + r.name + ": ";
    if (msg.starts_with(prefix)) msg.remove_prefix(prefix.size());
  }
  return r.ts + " " + r.level + " " + object + std::string(msg) + "\n";
}

}  // namespace plumb::cli

#include "cli/flux_table.hpp"

#include <algorithm>
#include <cstdio>

#include "localcluster/tables.hpp"

namespace plumb::cli::flux {
namespace {

size_t display_width(std::string_view text) {
  // Code points: every byte that does not continue a UTF-8 sequence.
  return size_t(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::vector<std::string_view> lines_of(std::string_view cell) {
  std::vector<std::string_view> lines;
  for (size_t start = 0;;) {
    size_t nl = cell.find('\n', start);
    lines.push_back(cell.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (nl == std::string_view::npos) return lines;
    start = nl + 1;
  }
}

void append_padded(std::string& out, std::string_view text, size_t width) {
  out.append(text);
  for (size_t w = display_width(text); w < width; ++w)
    out += ' ';
}

// Digits of text[at, at + n) as a number; -1 when one is not a digit.
int digits(std::string_view text, size_t at, size_t n) {
  if (at + n > text.size()) return -1;
  int value = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::string since(std::string_view timestamp, SystemTime now) {
  auto time = parse_timestamp(timestamp);
  if (!time) return "<unknown>";
  return localcluster::human_duration(
      std::chrono::duration_cast<std::chrono::seconds>(now - *time).count());
}

}  // namespace

std::string format_table(const Row& header, const std::vector<Row>& rows) {
  size_t columns = header.size();
  for (const Row& row : rows)
    columns = std::max(columns, row.size());
  std::vector<size_t> widths(columns, 0);
  for (size_t i = 0; i < header.size(); ++i)
    widths[i] = display_width(header[i]);
  for (const Row& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      for (std::string_view line : lines_of(row[i]))
        widths[i] = std::max(widths[i], display_width(line));
    }
  }
  std::string out;
  for (size_t i = 0; i < header.size(); ++i) {
    append_padded(out, header[i], widths[i]);
    out += i + 1 == header.size() ? ' ' : '\t';
  }
  if (!header.empty()) out += '\n';
  for (const Row& row : rows) {
    std::vector<std::vector<std::string_view>> cells;
    size_t height = 1;
    for (const std::string& cell : row) {
      cells.push_back(lines_of(cell));
      height = std::max(height, cells.back().size());
    }
    for (size_t line = 0; line < height; ++line) {
      for (size_t i = 0; i < cells.size(); ++i) {
        // tablewriter fills the missing lines of a shorter cell with two spaces.
        append_padded(out, line < cells[i].size() ? cells[i][line] : "  ", widths[i]);
        out += '\t';
      }
      out += '\n';
    }
  }
  return out;
}

std::optional<SystemTime> parse_timestamp(std::string_view text) {
  using namespace std::chrono;
  int y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  int h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  year_month_day date{year(y), month(unsigned(mo)), day(unsigned(d))};
  if (!date.ok()) return std::nullopt;
  SystemTime time = sys_days(date) + hours(h) + minutes(mi) + seconds(s);
  size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    int64_t nanos = 0, scale = 100000000;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, scale /= 10)
      nanos += (text[at] - '0') * scale;
    time += duration_cast<SystemTime::duration>(nanoseconds(nanos));
  }
  std::string_view zone = text.substr(std::min(at, text.size()));
  if (zone == "Z" || zone == "z") return time;
  int oh = digits(zone, 1, 2), om = digits(zone, 4, 2);
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || oh < 0 ||
      om < 0) {
    return std::nullopt;
  }
  auto offset = hours(oh) + minutes(om);
  return zone[0] == '+' ? time - offset : time + offset;
}

std::string rfc3339_nano(SystemTime time) {
  using namespace std::chrono;
  auto nanos = duration_cast<nanoseconds>(time.time_since_epoch()).count();
  auto secs = floor<seconds>(time);
  auto days = floor<std::chrono::days>(secs);
  year_month_day date(days);
  hh_mm_ss clock(secs - days);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                int(clock.minutes().count()), int(clock.seconds().count()));
  std::string out = buf;
  int64_t fraction = ((nanos % 1000000000) + 1000000000) % 1000000000;
  if (fraction != 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(fraction));
    std::string digits_text = buf;
    while (digits_text.back() == '0')
      digits_text.pop_back();
    out += digits_text;
  }
  return out + "Z";
}

SystemTime event_time(const Node& event) {
  if (auto time = parse_timestamp(event.string_at({"series", "lastObservedTime"}))) return *time;
  if (auto time = parse_timestamp(event.string_at({"lastTimestamp"}))) return *time;
  return parse_timestamp(event.string_at({"eventTime"})).value_or(SystemTime());
}

std::string last_seen(const Node& event, SystemTime now) {
  std::string_view event_time_text = event.string_at({"eventTime"});
  std::string first =
      since(event_time_text.empty() ? event.string_at({"firstTimestamp"}) : event_time_text, now);
  if (const Node* series = event.find("series"); series && series->is_map()) {
    return since(series->string_at({"lastObservedTime"}), now) + " (x" +
           std::to_string(series->find("count") ? series->find("count")->as_int() : 0) + " over " +
           first + ")";
  }
  const Node* count = event.find("count");
  if (count && count->as_int() > 1) {
    return since(event.string_at({"lastTimestamp"}), now) + " (x" +
           std::to_string(count->as_int()) + " over " + first + ")";
  }
  return first;
}

}  // namespace plumb::cli::flux

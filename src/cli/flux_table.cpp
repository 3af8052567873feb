#include "cli/flux_table.hpp"

#include <algorithm>

#include "core/time.hpp"

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

std::string since(std::string_view timestamp, SystemTime now) {
  auto time = parse_rfc3339(timestamp);
  if (!time) return "<unknown>";
  return human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *time).count());
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

SystemTime event_time(const Node& event) {
  if (auto time = parse_rfc3339(event.string_at({"series", "lastObservedTime"}))) return *time;
  if (auto time = parse_rfc3339(event.string_at({"lastTimestamp"}))) return *time;
  return parse_rfc3339(event.string_at({"eventTime"})).value_or(SystemTime());
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

#include "core/time.hpp"

#include <algorithm>
#include <cstdio>

namespace plumb {
namespace {

using namespace std::chrono;

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

}  // namespace

std::string format_rfc3339(SystemTime time) {
  auto secs = floor<seconds>(time);
  auto days = floor<std::chrono::days>(secs);
  year_month_day date(days);
  hh_mm_ss clock(secs - days);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                int(clock.minutes().count()), int(clock.seconds().count()));
  return buf;
}

std::string now_rfc3339() {
  return format_rfc3339(system_clock::now());
}

std::string format_rfc3339_nano(SystemTime time) {
  std::string out = format_rfc3339(time);
  int64_t fraction = duration_cast<nanoseconds>(time - floor<seconds>(time)).count();
  if (fraction == 0) return out;
  char buf[16];
  std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(fraction));
  std::string_view digits_text = buf;
  while (digits_text.back() == '0')
    digits_text.remove_suffix(1);
  out.pop_back();  // the "Z"
  return out.append(digits_text) + "Z";
}

std::optional<SystemTime> parse_rfc3339(std::string_view text) {
  int y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  int h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  if (h > 23 || mi > 59 || s > 59) return std::nullopt;
  year_month_day date{year(y), month(unsigned(mo)), day(unsigned(d))};
  if (!date.ok()) return std::nullopt;
  SystemTime time = sys_days(date) + hours(h) + minutes(mi) + seconds(s);
  size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    int64_t nanos = 0, scale = 100000000;
    size_t first = ++at;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, scale /= 10)
      nanos += (text[at] - '0') * scale;
    if (at == first) return std::nullopt;  // "05.Z"
    time += duration_cast<SystemTime::duration>(nanoseconds(nanos));
  }
  std::string_view zone = text.substr(std::min(at, text.size()));
  if (zone == "Z" || zone == "z") return time;
  int oh = digits(zone, 1, 2), om = digits(zone, 4, 2);
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || oh < 0 ||
      om < 0 || oh > 23 || om > 59) {
    return std::nullopt;
  }
  auto offset = hours(oh) + minutes(om);
  return zone[0] == '+' ? time - offset : time + offset;
}

std::string human_duration(int64_t seconds) {
  // As kubectl: a second in the future is clock skew, not an error.
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return std::to_string(seconds) + "s";
  int64_t minutes = seconds / 60;
  if (minutes < 10) {
    int64_t s = seconds % 60;
    return std::to_string(minutes) + "m" + (s == 0 ? "" : std::to_string(s) + "s");
  }
  if (minutes < 180) return std::to_string(minutes) + "m";
  int64_t hours = seconds / 3600;
  if (hours < 8) {
    int64_t m = minutes % 60;
    return std::to_string(hours) + "h" + (m == 0 ? "" : std::to_string(m) + "m");
  }
  if (hours < 48) return std::to_string(hours) + "h";
  if (hours < 24 * 8) {
    int64_t h = hours % 24;
    return std::to_string(hours / 24) + "d" + (h == 0 ? "" : std::to_string(h) + "h");
  }
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    int64_t d = (hours / 24) % 365;
    return std::to_string(hours / 24 / 365) + "y" + (d == 0 ? "" : std::to_string(d) + "d");
  }
  return std::to_string(hours / 24 / 365) + "y";
}

}  // namespace plumb

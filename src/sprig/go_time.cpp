#include "sprig/go_time.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include "gotemplate/strconv.hpp"

namespace plumb::sprig {

namespace {

constexpr int64_t k_second = 1'000'000'000;

const char* const k_long_months[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};
const char* const k_long_days[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                   "Thursday", "Friday", "Saturday"};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t& y, int& m, int& d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y += m <= 2;
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool is_leap(int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}
int days_in(int m, int64_t y) {
  static const int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : k_days[m - 1];
}

struct Civil {
  int64_t year;
  int month, day, hour, minute, second, yday, weekday;
  const GoLocation::Zone* zone;
};

Civil civil(const GoTime& t) {
  const GoLocation::Zone& z = t.loc->lookup(t.unix);
  int64_t local = t.unix + z.offset;
  int64_t days = floor_div(local, 86400);
  int64_t secs = local - days * 86400;
  Civil c{};
  civil_from_days(days, c.year, c.month, c.day);
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  c.yday = static_cast<int>(days - days_from_civil(c.year, 1, 1)) + 1;
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  c.zone = &z;
  return c;
}

void append_int(std::string& out, int64_t v, int width) {
  if (v < 0) {
    out += '-';
    v = -v;
  }
  std::string digits = std::to_string(v);
  for (int i = static_cast<int>(digits.size()); i < width; ++i)
    out += '0';
  out += digits;
}

uint32_t be32(const std::string& s, size_t at) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(s[at])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(s[at + 3]));
}

// A TZif file (RFC 8536), version 2+ data when present.
std::shared_ptr<GoLocation> read_tzif(const std::string& data, std::string name) {
  if (data.size() < 44 || data.compare(0, 4, "TZif") != 0) return nullptr;
  size_t at = 0;
  int time_size = 4;
  auto counts = [&](size_t h, uint32_t c[6]) {
    for (int i = 0; i < 6; ++i)
      c[i] = be32(data, h + 20 + 4 * static_cast<size_t>(i));
  };
  uint32_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  if (data[4] >= '2') {
    size_t v1 = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (data.size() < v1 + 44) return nullptr;
    at = v1;
    counts(at, c);
    time_size = 8;
  }
  at += 44;
  size_t need = c[3] * (static_cast<size_t>(time_size) + 1) + c[4] * 6 + c[5];
  if (data.size() < at + need || c[4] == 0) return nullptr;
  auto loc = std::make_shared<GoLocation>();
  loc->name = std::move(name);
  for (uint32_t i = 0; i < c[3]; ++i) {
    int64_t v = time_size == 8
                    ? static_cast<int64_t>((static_cast<uint64_t>(be32(data, at)) << 32) |
                                           be32(data, at + 4))
                    : static_cast<int32_t>(be32(data, at));
    loc->transitions.push_back(v);
    at += static_cast<size_t>(time_size);
  }
  for (uint32_t i = 0; i < c[3]; ++i)
    loc->zone_of.push_back(static_cast<uint8_t>(data[at++]));
  size_t types = at;
  at += c[4] * 6;
  std::string chars = data.substr(at, c[5]);
  loc->zones.clear();
  for (uint32_t i = 0; i < c[4]; ++i) {
    size_t p = types + i * 6;
    GoLocation::Zone z;
    z.offset = static_cast<int32_t>(be32(data, p));
    size_t abbr = static_cast<uint8_t>(data[p + 5]);
    if (abbr < chars.size()) z.abbr = std::string(chars.c_str() + abbr);
    loc->zones.push_back(z);
  }
  for (uint8_t& z : loc->zone_of)
    if (z >= loc->zones.size()) z = 0;
  return loc;
}

std::shared_ptr<GoLocation> read_zone_file(const std::string& path, std::string name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::stringstream s;
  s << in.rdbuf();
  return read_tzif(s.str(), std::move(name));
}

bool is_digit_at(std::string_view s, size_t i) {
  return i < s.size() && s[i] >= '0' && s[i] <= '9';
}

// The layout elements (Go's std* constants).
enum class Std {
  none,
  long_month,
  month,
  num_month,
  zero_month,
  long_weekday,
  weekday,
  day,
  under_day,
  zero_day,
  under_yday,
  zero_yday,
  hour,
  hour12,
  zero_hour12,
  minute,
  zero_minute,
  second,
  zero_second,
  long_year,
  year,
  pm_upper,
  pm_lower,
  tz,
  iso_tz,
  iso_seconds_tz,
  iso_short_tz,
  iso_colon_tz,
  iso_colon_seconds_tz,
  num_tz,
  num_seconds_tz,
  num_short_tz,
  num_colon_tz,
  num_colon_seconds_tz,
  frac0,
  frac9,
};

struct Chunk {
  std::string_view prefix;
  Std std = Std::none;
  std::string_view suffix;
  int frac_digits = 0;
  char frac_sep = '.';
};

bool starts_lower(std::string_view s) {
  return !s.empty() && s[0] >= 'a' && s[0] <= 'z';
}

// Go's nextStdChunk.
Chunk next_chunk(std::string_view l) {
  auto at = [&](size_t i, Std std, size_t len) {
    return Chunk{l.substr(0, i), std, l.substr(i + len)};
  };
  for (size_t i = 0; i < l.size(); ++i) {
    std::string_view r = l.substr(i);
    switch (l[i]) {
      case 'J':
        if (r.starts_with("Jan")) {
          if (r.starts_with("January")) return at(i, Std::long_month, 7);
          if (!starts_lower(r.substr(3))) return at(i, Std::month, 3);
        }
        break;
      case 'M':
        if (r.starts_with("Mon")) {
          if (r.starts_with("Monday")) return at(i, Std::long_weekday, 6);
          if (!starts_lower(r.substr(3))) return at(i, Std::weekday, 3);
        }
        if (r.starts_with("MST")) return at(i, Std::tz, 3);
        break;
      case '0':
        if (r.size() >= 2 && r[1] >= '1' && r[1] <= '6') {
          static const Std k_std0x[] = {Std::zero_month,  Std::zero_day,    Std::zero_hour12,
                                        Std::zero_minute, Std::zero_second, Std::year};
          return at(i, k_std0x[r[1] - '1'], 2);
        }
        if (r.starts_with("002")) return at(i, Std::zero_yday, 3);
        break;
      case '1':
        if (r.starts_with("15")) return at(i, Std::hour, 2);
        return at(i, Std::num_month, 1);
      case '2':
        if (r.starts_with("2006")) return at(i, Std::long_year, 4);
        return at(i, Std::day, 1);
      case '_':
        if (r.size() >= 2 && r[1] == '2') {
          if (r.substr(1).starts_with("2006"))
            return Chunk{l.substr(0, i + 1), Std::long_year, l.substr(i + 5)};
          return at(i, Std::under_day, 2);
        }
        if (r.starts_with("__2")) return at(i, Std::under_yday, 3);
        break;
      case '3':
        return at(i, Std::hour12, 1);
      case '4':
        return at(i, Std::minute, 1);
      case '5':
        return at(i, Std::second, 1);
      case 'P':
        if (r.starts_with("PM")) return at(i, Std::pm_upper, 2);
        break;
      case 'p':
        if (r.starts_with("pm")) return at(i, Std::pm_lower, 2);
        break;
      case '-':
        if (r.starts_with("-070000")) return at(i, Std::num_seconds_tz, 7);
        if (r.starts_with("-07:00:00")) return at(i, Std::num_colon_seconds_tz, 9);
        if (r.starts_with("-0700")) return at(i, Std::num_tz, 5);
        if (r.starts_with("-07:00")) return at(i, Std::num_colon_tz, 6);
        if (r.starts_with("-07")) return at(i, Std::num_short_tz, 3);
        break;
      case 'Z':
        if (r.starts_with("Z070000")) return at(i, Std::iso_seconds_tz, 7);
        if (r.starts_with("Z07:00:00")) return at(i, Std::iso_colon_seconds_tz, 9);
        if (r.starts_with("Z0700")) return at(i, Std::iso_tz, 5);
        if (r.starts_with("Z07:00")) return at(i, Std::iso_colon_tz, 6);
        if (r.starts_with("Z07")) return at(i, Std::iso_short_tz, 3);
        break;
      case '.':
      case ',':
        if (r.size() >= 2 && (r[1] == '0' || r[1] == '9')) {
          char ch = r[1];
          size_t j = 1;
          while (j < r.size() && r[j] == ch)
            ++j;
          if (!is_digit_at(r, j)) {
            Chunk c = at(i, ch == '0' ? Std::frac0 : Std::frac9, j);
            c.frac_digits = static_cast<int>(j - 1);
            c.frac_sep = l[i];
            return c;
          }
        }
        break;
      default:
        break;
    }
  }
  return Chunk{l, Std::none, {}};
}

bool is_iso(Std s) {
  return s == Std::iso_tz || s == Std::iso_seconds_tz || s == Std::iso_short_tz ||
         s == Std::iso_colon_tz || s == Std::iso_colon_seconds_tz;
}

void append_nano(std::string& out, int nsec, const Chunk& c) {
  bool trim = c.std == Std::frac9;
  int n = std::min(c.frac_digits, 9);
  if (trim && (n == 0 || nsec == 0)) return;
  std::string digits;
  append_int(digits, nsec, 9);
  digits.resize(static_cast<size_t>(n));
  if (trim)
    while (!digits.empty() && digits.back() == '0')
      digits.pop_back();
  if (trim && digits.empty()) return;
  out += c.frac_sep;
  out += digits;
}

std::string quote(std::string_view s) {
  return gotemplate::quote(s);
}

}  // namespace

const GoLocation::Zone& GoLocation::lookup(int64_t unix) const {
  if (transitions.empty() || unix < transitions.front()) {
    // Go: the first standard-time zone.
    return zones.front();
  }
  size_t lo = 0, hi = transitions.size();
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (transitions[mid] <= unix)
      lo = mid;
    else
      hi = mid;
  }
  return zones[zone_of[lo]];
}

LocationPtr utc_location() {
  static const LocationPtr k_utc = [] {
    auto l = std::make_shared<GoLocation>();
    l->name = "UTC";
    return l;
  }();
  return k_utc;
}

LocationPtr local_location() {
  static const LocationPtr k_local = []() -> LocationPtr {
    const char* tz = std::getenv("TZ");
    std::shared_ptr<GoLocation> l;
    if (tz == nullptr) {
      l = read_zone_file("/etc/localtime", "Local");
    } else if (*tz != '\0') {
      std::string name = tz[0] == ':' ? tz + 1 : tz;
      l = read_zone_file(name.starts_with("/") ? name : "/usr/share/zoneinfo/" + name, "Local");
    }
    if (!l) {
      l = std::make_shared<GoLocation>();
    }
    l->name = "Local";
    return l;
  }();
  return k_local;
}

LocationPtr fixed_location(std::string name, int offset) {
  auto l = std::make_shared<GoLocation>();
  l->name = name;
  l->zones = {GoLocation::Zone{offset, std::move(name)}};
  return l;
}

Result<LocationPtr> load_location(std::string_view name) {
  if (name.empty() || name == "UTC") return utc_location();
  if (name == "Local") return local_location();
  bool bad = name.starts_with("/") || name.find("..") != std::string_view::npos ||
             name.find('\\') != std::string_view::npos;
  std::shared_ptr<GoLocation> l;
  if (!bad) l = read_zone_file("/usr/share/zoneinfo/" + std::string(name), std::string(name));
  if (!l) return fail("unknown time zone ", name);
  return LocationPtr(std::move(l));
}

GoTime GoTime::now() {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  GoTime t;
  t.unix = floor_div(ns, k_second);
  t.nsec = static_cast<int32_t>(ns - t.unix * k_second);
  t.loc = local_location();
  t.monotonic = true;
  return t;
}

std::string go_format(const GoTime& t, std::string_view layout) {
  Civil c = civil(t);
  std::string out;
  while (!layout.empty()) {
    Chunk ch = next_chunk(layout);
    out += ch.prefix;
    if (ch.std == Std::none) break;
    layout = ch.suffix;
    int hr12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
    switch (ch.std) {
      case Std::year:
        append_int(out, ((c.year % 100) + 100) % 100, 2);
        break;
      case Std::long_year:
        append_int(out, c.year, 4);
        break;
      case Std::month:
        out += std::string_view(k_long_months[c.month - 1]).substr(0, 3);
        break;
      case Std::long_month:
        out += k_long_months[c.month - 1];
        break;
      case Std::num_month:
        append_int(out, c.month, 0);
        break;
      case Std::zero_month:
        append_int(out, c.month, 2);
        break;
      case Std::weekday:
        out += std::string_view(k_long_days[c.weekday]).substr(0, 3);
        break;
      case Std::long_weekday:
        out += k_long_days[c.weekday];
        break;
      case Std::day:
        append_int(out, c.day, 0);
        break;
      case Std::under_day:
        if (c.day < 10) out += ' ';
        append_int(out, c.day, 0);
        break;
      case Std::zero_day:
        append_int(out, c.day, 2);
        break;
      case Std::under_yday:
        if (c.yday < 100) out += ' ';
        if (c.yday < 10) out += ' ';
        append_int(out, c.yday, 0);
        break;
      case Std::zero_yday:
        append_int(out, c.yday, 3);
        break;
      case Std::hour:
        append_int(out, c.hour, 2);
        break;
      case Std::hour12:
        append_int(out, hr12, 0);
        break;
      case Std::zero_hour12:
        append_int(out, hr12, 2);
        break;
      case Std::minute:
        append_int(out, c.minute, 0);
        break;
      case Std::zero_minute:
        append_int(out, c.minute, 2);
        break;
      case Std::second:
        append_int(out, c.second, 0);
        break;
      case Std::zero_second:
        append_int(out, c.second, 2);
        break;
      case Std::pm_upper:
        out += c.hour >= 12 ? "PM" : "AM";
        break;
      case Std::pm_lower:
        out += c.hour >= 12 ? "pm" : "am";
        break;
      case Std::tz: {
        if (!c.zone->abbr.empty()) {
          out += c.zone->abbr;
          break;
        }
        int zone = c.zone->offset / 60;
        out += zone < 0 ? '-' : '+';
        if (zone < 0) zone = -zone;
        append_int(out, zone / 60, 2);
        append_int(out, zone % 60, 2);
        break;
      }
      case Std::frac0:
      case Std::frac9:
        append_nano(out, t.nsec, ch);
        break;
      default: {  // the numeric zones
        int offset = c.zone->offset;
        if (offset == 0 && is_iso(ch.std)) {
          out += 'Z';
          break;
        }
        int zone = offset / 60, abs_offset = offset;
        if (zone < 0) {
          out += '-';
          zone = -zone;
          abs_offset = -abs_offset;
        } else {
          out += '+';
        }
        append_int(out, zone / 60, 2);
        bool colon = ch.std == Std::iso_colon_tz || ch.std == Std::num_colon_tz ||
                     ch.std == Std::iso_colon_seconds_tz || ch.std == Std::num_colon_seconds_tz;
        if (colon) out += ':';
        if (ch.std != Std::num_short_tz && ch.std != Std::iso_short_tz)
          append_int(out, zone % 60, 2);
        if (ch.std == Std::iso_seconds_tz || ch.std == Std::num_seconds_tz ||
            ch.std == Std::num_colon_seconds_tz || ch.std == Std::iso_colon_seconds_tz) {
          if (colon) out += ':';
          append_int(out, abs_offset % 60, 2);
        }
        break;
      }
    }
  }
  return out;
}

std::string go_time_string(const GoTime& t) {
  std::string s = go_format(t, "2006-01-02 15:04:05.999999999 -0700 MST");
  if (t.monotonic) {
    static const auto k_start = std::chrono::steady_clock::now();
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::steady_clock::now() - k_start)
                  .count();
    std::string frac;
    append_int(frac, ns % k_second, 9);
    s += " m=+" + std::to_string(ns / k_second) + "." + frac;
  }
  return s;
}

namespace {

struct ParseState {
  std::string_view layout_all, value_all;
  Error error(std::string_view layout_elem, std::string_view value_elem) const {
    return Error("parsing time " + quote(value_all) + " as " + quote(layout_all) +
                 ": cannot parse " + quote(value_elem) + " as " + quote(layout_elem));
  }
  Error message(std::string_view msg) const {
    return Error("parsing time " + quote(value_all) + std::string(msg));
  }
};

bool getnum(std::string_view& s, bool fixed, int& out) {
  if (!is_digit_at(s, 0)) return false;
  if (!is_digit_at(s, 1)) {
    if (fixed) return false;
    out = s[0] - '0';
    s.remove_prefix(1);
    return true;
  }
  out = (s[0] - '0') * 10 + (s[1] - '0');
  s.remove_prefix(2);
  return true;
}

bool getnum3(std::string_view& s, bool fixed, int& out) {
  int n = 0, i = 0;
  for (; i < 3 && is_digit_at(s, static_cast<size_t>(i)); ++i)
    n = n * 10 + (s[static_cast<size_t>(i)] - '0');
  if (i == 0 || (fixed && i != 3)) return false;
  out = n;
  s.remove_prefix(static_cast<size_t>(i));
  return true;
}

bool lookup_name(std::string_view& s, const char* const* names, int count, bool abbrev, int& out) {
  for (int i = 0; i < count; ++i) {
    std::string_view name = names[i];
    if (abbrev) name = name.substr(0, 3);
    if (s.size() < name.size()) continue;
    bool match = true;
    for (size_t k = 0; k < name.size() && match; ++k) {
      char a = s[k], b = name[k];
      if (a != b) {
        a = static_cast<char>(a | 0x20);
        b = static_cast<char>(b | 0x20);
        match = a == b && a >= 'a' && a <= 'z';
      }
    }
    if (match) {
      s.remove_prefix(name.size());
      out = i;
      return true;
    }
  }
  return false;
}

// Go's parseTimeZone, without the GMT+n and ±hh forms' details.
size_t time_zone_length(std::string_view v) {
  if (v.size() < 3) return 0;
  if (v.starts_with("ChST") || v.starts_with("MeST")) return 4;
  if (v.starts_with("GMT")) {
    size_t n = 3;
    if (n < v.size() && (v[n] == '+' || v[n] == '-')) {
      size_t k = n + 1;
      while (is_digit_at(v, k))
        ++k;
      if (k > n + 1) return k;
    }
    return 3;
  }
  size_t upper = 0;
  while (upper < v.size() && v[upper] >= 'A' && v[upper] <= 'Z')
    ++upper;
  switch (upper) {
    case 3:
      return 3;
    case 4:
      return (v[3] == 'T' || v.starts_with("WITA")) ? 4 : 0;
    case 5:
      return v[4] == 'T' ? 5 : 0;
    default:
      return 0;
  }
}

bool parse_nanos(std::string_view value, size_t nbytes, int& ns, std::string& range) {
  if (value.empty() || (value[0] != '.' && value[0] != ',')) return false;
  if (nbytes > 10) nbytes = 10;
  int n = 0;
  for (size_t i = 1; i < nbytes; ++i) {
    if (!is_digit_at(value, i)) return false;
    n = n * 10 + (value[i] - '0');
  }
  for (size_t i = 0; i < 10 - nbytes; ++i)
    n *= 10;
  ns = n;
  (void)range;
  return true;
}

std::string_view cut_space(std::string_view s) {
  while (!s.empty() && s[0] == ' ')
    s.remove_prefix(1);
  return s;
}

}  // namespace

Result<GoTime> go_parse(std::string_view layout, std::string_view value, const LocationPtr& loc) {
  ParseState st{layout, value};
  int64_t year = 0;
  int month = -1, day = -1, yday = -1, hour = 0, minute = 0, second = 0, nsec = 0;
  bool pm = false, am = false;
  LocationPtr z;
  int zone_offset = -1;
  bool has_offset = false;
  std::string zone_name;
  while (true) {
    Chunk ch = next_chunk(layout);
    std::string_view std_str =
        layout.substr(ch.prefix.size(), layout.size() - ch.prefix.size() - ch.suffix.size());
    // skip the literal prefix
    std::string_view prefix = ch.prefix;
    while (!prefix.empty()) {
      if (prefix[0] == ' ') {
        if (!value.empty() && value[0] != ' ') return std::unexpected(st.error(ch.prefix, value));
        prefix = cut_space(prefix);
        value = cut_space(value);
        continue;
      }
      if (value.empty() || value[0] != prefix[0])
        return std::unexpected(st.error(ch.prefix, value));
      prefix.remove_prefix(1);
      value.remove_prefix(1);
    }
    if (ch.std == Std::none) {
      if (!value.empty()) return std::unexpected(st.message(": extra text: " + quote(value)));
      break;
    }
    layout = ch.suffix;
    std::string_view hold = value;
    bool ok = true;
    std::string range;
    switch (ch.std) {
      case Std::year: {
        int y;
        ok = value.size() >= 2 && getnum(value, true, y);
        if (ok) year = y >= 69 ? y + 1900 : y + 2000;
        break;
      }
      case Std::long_year:
        ok = value.size() >= 4 && is_digit_at(value, 0);
        if (ok) {
          year = 0;
          for (int i = 0; i < 4 && ok; ++i) {
            ok = is_digit_at(value, static_cast<size_t>(i));
            if (ok) year = year * 10 + (value[static_cast<size_t>(i)] - '0');
          }
          if (ok) value.remove_prefix(4);
        }
        break;
      case Std::month:
      case Std::long_month:
        ok = lookup_name(value, k_long_months, 12, ch.std == Std::month, month);
        if (ok) ++month;
        break;
      case Std::num_month:
      case Std::zero_month:
        ok = getnum(value, ch.std == Std::zero_month, month);
        if (ok && (month <= 0 || month > 12)) range = "month";
        break;
      case Std::weekday:
      case Std::long_weekday: {
        int wd;
        ok = lookup_name(value, k_long_days, 7, ch.std == Std::weekday, wd);
        break;
      }
      case Std::day:
      case Std::under_day:
      case Std::zero_day:
        if (ch.std == Std::under_day && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        ok = getnum(value, ch.std == Std::zero_day, day);
        break;
      case Std::under_yday:
      case Std::zero_yday:
        for (int i = 0; i < 2; ++i)
          if (ch.std == Std::under_yday && !value.empty() && value[0] == ' ')
            value.remove_prefix(1);
        ok = getnum3(value, ch.std == Std::zero_yday, yday);
        break;
      case Std::hour:
        ok = getnum(value, false, hour);
        if (hour < 0 || hour >= 24) range = "hour";
        break;
      case Std::hour12:
      case Std::zero_hour12:
        ok = getnum(value, ch.std == Std::zero_hour12, hour);
        if (hour < 0 || hour > 12) range = "hour";
        break;
      case Std::minute:
      case Std::zero_minute:
        ok = getnum(value, ch.std == Std::zero_minute, minute);
        if (minute < 0 || minute >= 60) range = "minute";
        break;
      case Std::second:
      case Std::zero_second: {
        ok = getnum(value, ch.std == Std::zero_second, second);
        if (!ok) break;
        if (second < 0 || second >= 60) {
          range = "second";
          break;
        }
        if (value.size() >= 2 && (value[0] == '.' || value[0] == ',') && is_digit_at(value, 1)) {
          Std next = next_chunk(layout).std;
          if (next == Std::frac0 || next == Std::frac9) break;
          size_t n = 2;
          while (is_digit_at(value, n))
            ++n;
          ok = parse_nanos(value, n, nsec, range);
          value.remove_prefix(n);
        }
        break;
      }
      case Std::pm_upper:
      case Std::pm_lower: {
        ok = value.size() >= 2;
        if (!ok) break;
        std::string_view p = value.substr(0, 2);
        value.remove_prefix(2);
        bool upper = ch.std == Std::pm_upper;
        if (p == (upper ? "PM" : "pm"))
          pm = true;
        else if (p == (upper ? "AM" : "am"))
          am = true;
        else
          ok = false;
        break;
      }
      case Std::tz: {
        if (value.starts_with("UTC")) {
          z = utc_location();
          value.remove_prefix(3);
          break;
        }
        size_t n = time_zone_length(value);
        ok = n > 0;
        if (ok) {
          zone_name = std::string(value.substr(0, n));
          value.remove_prefix(n);
        }
        break;
      }
      case Std::frac0: {
        size_t n = 1 + static_cast<size_t>(ch.frac_digits);
        ok = value.size() >= n && parse_nanos(value, n, nsec, range);
        if (ok) value.remove_prefix(n);
        break;
      }
      case Std::frac9: {
        if (value.size() < 2 || (value[0] != '.' && value[0] != ',') || !is_digit_at(value, 1))
          break;
        size_t i = 0;
        while (is_digit_at(value, i + 1))
          ++i;
        ok = parse_nanos(value, 1 + i, nsec, range);
        value.remove_prefix(1 + i);
        break;
      }
      default: {  // numeric zones
        if (is_iso(ch.std) && !value.empty() && value[0] == 'Z') {
          value.remove_prefix(1);
          z = utc_location();
          break;
        }
        std::string_view sign, h, m, s = "00";
        Std k = ch.std;
        if (k == Std::iso_colon_tz || k == Std::num_colon_tz) {
          ok = value.size() >= 6 && value[3] == ':';
          if (ok)
            sign = value.substr(0, 1), h = value.substr(1, 2), m = value.substr(4, 2),
            value.remove_prefix(6);
        } else if (k == Std::num_short_tz || k == Std::iso_short_tz) {
          ok = value.size() >= 3;
          if (ok)
            sign = value.substr(0, 1), h = value.substr(1, 2), m = "00", value.remove_prefix(3);
        } else if (k == Std::iso_colon_seconds_tz || k == Std::num_colon_seconds_tz) {
          ok = value.size() >= 9 && value[3] == ':' && value[6] == ':';
          if (ok)
            sign = value.substr(0, 1), h = value.substr(1, 2), m = value.substr(4, 2),
            s = value.substr(7, 2), value.remove_prefix(9);
        } else if (k == Std::iso_seconds_tz || k == Std::num_seconds_tz) {
          ok = value.size() >= 7;
          if (ok)
            sign = value.substr(0, 1), h = value.substr(1, 2), m = value.substr(3, 2),
            s = value.substr(5, 2), value.remove_prefix(7);
        } else {
          ok = value.size() >= 5;
          if (ok)
            sign = value.substr(0, 1), h = value.substr(1, 2), m = value.substr(3, 2),
            value.remove_prefix(5);
        }
        if (!ok) break;
        int hr = 0, mm = 0, ss = 0;
        ok = getnum(h, true, hr) && getnum(m, true, mm) && getnum(s, true, ss);
        if (hr > 24) range = "time zone offset hour";
        if (mm > 60) range = "time zone offset minute";
        if (ss > 60) range = "time zone offset second";
        zone_offset = (hr * 60 + mm) * 60 + ss;
        has_offset = true;
        if (sign == "-")
          zone_offset = -zone_offset;
        else if (sign != "+")
          ok = false;
        break;
      }
    }
    if (!range.empty()) return std::unexpected(st.message(": " + range + " out of range"));
    if (!ok) return std::unexpected(st.error(std_str, hold));
  }
  if (pm && hour < 12)
    hour += 12;
  else if (am && hour == 12)
    hour = 0;
  if (yday >= 0) {
    int m = 0, d = 0;
    if (is_leap(year)) {
      if (yday == 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) {
        --yday;
      }
    }
    if (yday < 1 || yday > 365) return std::unexpected(st.message(": day-of-year out of range"));
    if (m == 0) {
      m = (yday - 1) / 31 + 1;
      if (days_from_civil(2001, m, 1) - days_from_civil(2001, 1, 1) + days_in(m, 2001) < yday) ++m;
      d = yday - static_cast<int>(days_from_civil(2001, m, 1) - days_from_civil(2001, 1, 1));
    }
    if (month >= 0 && month != m)
      return std::unexpected(st.message(": day-of-year does not match month"));
    month = m;
    if (day >= 0 && day != d)
      return std::unexpected(st.message(": day-of-year does not match day"));
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > days_in(month, year))
    return std::unexpected(st.message(": day out of range"));
  int64_t wall = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  GoTime t;
  t.nsec = nsec;
  if (z) {
    t.unix = wall;
    t.loc = z;
    return t;
  }
  if (has_offset) {
    t.unix = wall - zone_offset;
    const auto& local = local_location()->lookup(t.unix);
    if (local.offset == zone_offset && (zone_name.empty() || local.abbr == zone_name)) {
      t.loc = local_location();
    } else {
      t.loc = fixed_location(zone_name, zone_offset);
    }
    return t;
  }
  if (!zone_name.empty()) {
    // A zone abbreviation the local zone uses at that time, or a fake zone.
    const auto& local = local_location()->lookup(wall);
    if (local.abbr == zone_name) {
      t.unix = wall - local.offset;
      t.loc = local_location();
      return t;
    }
    int offset = 0;
    if (zone_name.size() > 3 && zone_name.starts_with("GMT"))
      offset = std::atoi(zone_name.c_str() + 3) * 3600;
    t.unix = wall - offset;
    t.loc = fixed_location(zone_name, offset);
    return t;
  }
  const auto& z0 = loc->lookup(wall);
  int64_t unix = wall - z0.offset;
  const auto& z1 = loc->lookup(unix);
  t.unix = wall - z1.offset;
  t.loc = loc;
  return t;
}

std::string go_duration_string(int64_t d) {
  uint64_t u = static_cast<uint64_t>(d);
  bool neg = d < 0;
  if (neg) u = 0 - u;
  auto frac = [](std::string& out, uint64_t& v, int prec) {
    std::string digits;
    bool print = false;
    for (int i = 0; i < prec; ++i) {
      int digit = static_cast<int>(v % 10);
      print = print || digit != 0;
      if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
      v /= 10;
    }
    if (print) out = "." + digits + out;
  };
  std::string out;
  if (u < static_cast<uint64_t>(k_second)) {
    if (u == 0) return "0s";
    int prec;
    std::string unit;
    if (u < 1000) {
      prec = 0;
      unit = "ns";
    } else if (u < 1000000) {
      prec = 3;
      unit = "\xC2\xB5s";
    } else {
      prec = 6;
      unit = "ms";
    }
    out = unit;
    frac(out, u, prec);
    out = std::to_string(u) + out;
  } else {
    out = "s";
    frac(out, u, 9);
    out = std::to_string(u % 60) + out;
    u /= 60;
    if (u > 0) {
      out = std::to_string(u % 60) + "m" + out;
      u /= 60;
      if (u > 0) out = std::to_string(u) + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}

Result<int64_t> go_parse_duration(std::string_view text) {
  std::string_view s = text;
  auto invalid = [&] { return fail("time: invalid duration ", quote(text)); };
  uint64_t d = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return invalid();
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit_at(s, 0))) return invalid();
    uint64_t v = 0;
    size_t i = 0;
    bool overflow = false;
    while (is_digit_at(s, i)) {
      if (v > (uint64_t{1} << 63) / 10) overflow = true;
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > (uint64_t{1} << 63)) overflow = true;
      ++i;
    }
    if (overflow) return invalid();
    bool pre = i > 0;
    s.remove_prefix(i);
    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t k = 0;
      bool over = false;
      while (is_digit_at(s, k)) {
        if (!over) {
          if (f > (uint64_t{1} << 63) / 10) {
            over = true;
          } else {
            f = f * 10 + static_cast<uint64_t>(s[k] - '0');
            scale *= 10;
          }
        }
        ++k;
      }
      post = k > 0;
      s.remove_prefix(k);
    }
    if (!pre && !post) return invalid();
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !(s[u] >= '0' && s[u] <= '9'))
      ++u;
    if (u == 0) return fail("time: missing unit in duration ", quote(text));
    std::string_view unit = s.substr(0, u);
    s.remove_prefix(u);
    uint64_t mult;
    if (unit == "ns")
      mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
      mult = 1000;
    else if (unit == "ms")
      mult = 1000000;
    else if (unit == "s")
      mult = 1000000000;
    else if (unit == "m")
      mult = 60000000000;
    else if (unit == "h")
      mult = 3600000000000;
    else
      return fail("time: unknown unit ", quote(unit), " in duration ", quote(text));
    if (v > (uint64_t{1} << 63) / mult) return invalid();
    v *= mult;
    if (f > 0) {
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(mult) / scale));
      if (v > (uint64_t{1} << 63)) return invalid();
    }
    d += v;
    if (d > (uint64_t{1} << 63)) return invalid();
  }
  if (neg) return static_cast<int64_t>(0 - d);
  if (d > static_cast<uint64_t>(INT64_MAX)) return invalid();
  return static_cast<int64_t>(d);
}

}  // namespace plumb::sprig

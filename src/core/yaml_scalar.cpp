#include "core/yaml_scalar.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace plumb::yaml_detail {
namespace {

// go-yaml's first-character hint: which plain scalars are worth a closer look.
enum Hint : uint8_t { k_none = 0, k_sign, k_digit, k_word, k_dot };

constexpr Hint hint_of(char c) {
  if (c == '+' || c == '-') return k_sign;
  if (c >= '0' && c <= '9') return k_digit;
  if (c == '.') return k_dot;
  switch (c) {
    case 'y':
    case 'Y':
    case 'n':
    case 'N':
    case 't':
    case 'T':
    case 'f':
    case 'F':
    case 'o':
    case 'O':
    case '~':
      return k_word;
    default:
      return k_none;
  }
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words)
    if (s == w) return true;
  return false;
}

// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
bool yaml_style_float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < s.size() && is_digit(s[i]))
      ++i;
    if (i == start) return false;
  } else {
    size_t start = i;
    while (i < s.size() && is_digit(s[i]))
      ++i;
    if (i == start) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && is_digit(s[i]))
        ++i;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t start = i;
    while (i < s.size() && is_digit(s[i]))
      ++i;
    if (i == start) return false;
  }
  return i == s.size();
}

// Go's ParseFloat on text already known to be well formed; false on overflow.
bool parse_float(std::string_view s, double& out) {
  char buffer[128];
  std::string heap;
  const char* text;
  if (s.size() < sizeof buffer) {
    std::memcpy(buffer, s.data(), s.size());
    buffer[s.size()] = 0;
    text = buffer;
  } else {
    heap.assign(s);
    text = heap.c_str();
  }
  char* end = nullptr;
  double value = std::strtod(text, &end);
  if (std::isinf(value)) return false;
  out = value;
  return true;
}

// Go's ParseFloat for text starting with '.': only `.digits[e[sign]digits]` is valid.
bool dot_float(std::string_view s, double& out) {
  return s.size() >= 2 && yaml_style_float(s) && parse_float(s, out);
}

std::string_view without_underscores(std::string_view s, std::string& scratch) {
  if (s.find('_') == std::string_view::npos) return s;
  scratch.clear();
  for (char c : s)
    if (c != '_') scratch.push_back(c);
  return scratch;
}

// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
bool is_base60_float(std::string_view s) {
  if (s.empty() || s.find(':') == std::string_view::npos) return false;
  size_t i = 0;
  if (s[i] == '+' || s[i] == '-') ++i;
  if (i >= s.size() || !is_digit(s[i])) return false;
  while (i < s.size() && (is_digit(s[i]) || s[i] == '_'))
    ++i;
  int groups = 0;
  while (i < s.size() && s[i] == ':') {
    ++i;
    // [0-5]?[0-9]: one digit, or two with the first in 0-5.
    if (i + 1 < s.size() && s[i] >= '0' && s[i] <= '5' && is_digit(s[i + 1])) {
      i += 2;
    } else if (i < s.size() && is_digit(s[i])) {
      ++i;
    } else {
      return false;
    }
    ++groups;
  }
  if (groups == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && (is_digit(s[i]) || s[i] == '_'))
      ++i;
  }
  return i == s.size();
}

// Reads 1 or 2 digits, as Go's time.Parse does for the non-padded layout fields.
bool read_num(std::string_view s, size_t& i, int& out) {
  if (i >= s.size() || !is_digit(s[i])) return false;
  out = s[i++] - '0';
  if (i < s.size() && is_digit(s[i])) out = out * 10 + (s[i++] - '0');
  return true;
}

int days_in(int month, int year) {
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) return 29;
  return k_days[month - 1];
}

void append_2(int value, std::string& out) {
  out.push_back(static_cast<char>('0' + value / 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

// The shortest decimal digits that read back as `value` (> 0): digits and the position of
// the decimal point relative to them (value = 0.DIGITS × 10^point).
struct Decimal {
  char digits[32];
  int count = 0;
  int point = 0;
};

Decimal shortest(double value) {
  char text[64];
  auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::scientific);
  Decimal d;
  const char* p = text;
  for (; p < result.ptr && *p != 'e'; ++p)
    if (is_digit(*p)) d.digits[d.count++] = *p;
  int exponent = 0;
  if (p < result.ptr) {
    const char* e = p + 1;
    if (e < result.ptr && *e == '+') ++e;
    std::from_chars(e, result.ptr, exponent);
  }
  while (d.count > 1 && d.digits[d.count - 1] == '0')
    --d.count;
  d.point = exponent + 1;
  return d;
}

// strconv.FormatFloat(value, 'f', -1, 64) for value > 0.
void append_fixed(const Decimal& d, std::string& out) {
  if (d.point <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-d.point), '0');
    out.append(d.digits, static_cast<size_t>(d.count));
    return;
  }
  if (d.count <= d.point) {
    out.append(d.digits, static_cast<size_t>(d.count));
    out.append(static_cast<size_t>(d.point - d.count), '0');
    return;
  }
  out.append(d.digits, static_cast<size_t>(d.point));
  out.push_back('.');
  out.append(d.digits + d.point, static_cast<size_t>(d.count - d.point));
}

// strconv.FormatFloat(value, 'g', -1, 64) for value > 0.
void append_general(const Decimal& d, std::string& out) {
  int exponent = d.point - 1;
  if (exponent < -4 || exponent >= 6) {
    out.push_back(d.digits[0]);
    if (d.count > 1) {
      out.push_back('.');
      out.append(d.digits + 1, static_cast<size_t>(d.count - 1));
    }
    out.push_back('e');
    out.push_back(exponent < 0 ? '-' : '+');
    int magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude < 10) out.push_back('0');
    out += std::to_string(magnitude);
    return;
  }
  append_fixed(d, out);
}

}  // namespace

bool go_parse_uint(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  unsigned base = 10;
  if (s[0] == '0') {
    char second = s.size() >= 3 ? static_cast<char>(s[1] | 0x20) : 0;
    if (second == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else if (second == 'o') {
      base = 8;
      s.remove_prefix(2);
    } else if (second == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  uint64_t value = 0;
  for (char c : s) {
    unsigned digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
      digit = static_cast<unsigned>((c | 0x20) - 'a' + 10);
    } else {
      return false;
    }
    if (digit >= base) return false;
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / base) return false;
    value = value * base + digit;
  }
  out = value;
  return true;
}

bool go_parse_int(std::string_view s, int64_t& out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  uint64_t magnitude;
  if (!go_parse_uint(s, magnitude)) return false;
  constexpr uint64_t k_limit = uint64_t{1} << 63;
  if (negative) {
    if (magnitude > k_limit) return false;
    out = magnitude == k_limit ? std::numeric_limits<int64_t>::min()
                               : -static_cast<int64_t>(magnitude);
  } else {
    if (magnitude >= k_limit) return false;
    out = static_cast<int64_t>(magnitude);
  }
  return true;
}

bool parse_timestamp(std::string_view s, std::string& normalized) {
  if (s.size() < 6 || s.size() > 64) return false;
  for (size_t i = 0; i < 4; ++i)
    if (!is_digit(s[i])) return false;
  if (s[4] != '-') return false;
  int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  size_t i = 5;
  int month, day;
  if (!read_num(s, i, month) || i >= s.size() || s[i] != '-') return false;
  ++i;
  if (!read_num(s, i, day)) return false;
  if (month < 1 || month > 12 || day < 1 || day > days_in(month, year)) return false;
  int hour = 0, minute = 0, second = 0;
  std::string_view fraction;
  std::string zone = "Z";
  if (i < s.size()) {
    char separator = s[i++];
    if (separator != 'T' && separator != 't' && separator != ' ') return false;
    if (!read_num(s, i, hour) || i >= s.size() || s[i++] != ':') return false;
    if (!read_num(s, i, minute) || i >= s.size() || s[i++] != ':') return false;
    if (!read_num(s, i, second)) return false;
    if (hour > 23 || minute > 59 || second > 59) return false;
    if (i + 1 < s.size() && (s[i] == '.' || s[i] == ',') && is_digit(s[i + 1])) {
      size_t start = ++i;
      while (i < s.size() && is_digit(s[i]))
        ++i;
      fraction = s.substr(start, std::min<size_t>(i - start, 9));
      while (!fraction.empty() && fraction.back() == '0')
        fraction.remove_suffix(1);
    }
    if (separator == ' ') {
      if (i != s.size()) return false;
    } else {
      if (i >= s.size()) return false;
      if (s[i] == 'Z') {
        ++i;
      } else {
        if (s.size() - i < 6 || (s[i] != '+' && s[i] != '-') || s[i + 3] != ':') return false;
        if (!is_digit(s[i + 1]) || !is_digit(s[i + 2]) || !is_digit(s[i + 4]) ||
            !is_digit(s[i + 5]))
          return false;
        int zone_hour = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
        int zone_minute = (s[i + 4] - '0') * 10 + (s[i + 5] - '0');
        if (zone_hour > 24 || zone_minute > 60) return false;
        if (zone_hour != 0 || zone_minute != 0) zone.assign(s.substr(i, 6));
        i += 6;
      }
      if (i != s.size()) return false;
    }
  }
  normalized.clear();
  normalized.append(s.substr(0, 4));
  normalized.push_back('-');
  append_2(month, normalized);
  normalized.push_back('-');
  append_2(day, normalized);
  normalized.push_back('T');
  append_2(hour, normalized);
  normalized.push_back(':');
  append_2(minute, normalized);
  normalized.push_back(':');
  append_2(second, normalized);
  if (!fraction.empty()) {
    normalized.push_back('.');
    normalized.append(fraction);
  }
  normalized += zone;
  return true;
}

Node resolve_plain(std::string_view s, PlainScalars rules) {
  if (s.empty()) return Node();
  bool v2 = rules == PlainScalars::go_yaml_v2;
  switch (hint_of(s[0])) {
    case k_none:
      return Node::string(s);
    case k_word:
      if (one_of(s, {"true", "True", "TRUE"})) return Node::boolean(true);
      if (one_of(s, {"false", "False", "FALSE"})) return Node::boolean(false);
      if (v2 && one_of(s, {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"}))
        return Node::boolean(true);
      if (v2 && one_of(s, {"n", "N", "no", "No", "NO", "off", "Off", "OFF"}))
        return Node::boolean(false);
      if (one_of(s, {"~", "null", "Null", "NULL"})) return Node();
      return Node::string(s);
    case k_dot: {
      if (one_of(s, {".nan", ".NaN", ".NAN"}))
        return Node::floating(std::numeric_limits<double>::quiet_NaN());
      if (one_of(s, {".inf", ".Inf", ".INF"}))
        return Node::floating(std::numeric_limits<double>::infinity());
      double value;
      if (dot_float(s, value)) return Node::floating(value);
      return Node::string(s);
    }
    case k_sign:
    case k_digit: {
      if (one_of(s, {"+.inf", "+.Inf", "+.INF"}))
        return Node::floating(std::numeric_limits<double>::infinity());
      if (one_of(s, {"-.inf", "-.Inf", "-.INF"}))
        return Node::floating(-std::numeric_limits<double>::infinity());
      std::string scratch;
      if (parse_timestamp(s, scratch)) return Node::string(v2 ? std::string(s) : scratch);
      std::string_view plain = without_underscores(s, scratch);
      int64_t integer;
      if (go_parse_int(plain, integer)) return Node::integer(integer);
      uint64_t big;
      // The document model has no unsigned integers; the nearest float is the best it holds.
      if (go_parse_uint(plain, big)) return Node::floating(static_cast<double>(big));
      double value;
      if (yaml_style_float(plain) && parse_float(plain, value)) return Node::floating(value);
      return Node::string(s);
    }
  }
  return Node::string(s);
}

bool plain_is_ambiguous(std::string_view s) {
  if (s.empty()) return true;
  Hint hint = hint_of(s[0]);
  switch (hint) {
    case k_none:
      return false;
    case k_word:
      return one_of(s, {"y",     "Y",   "yes", "Yes", "YES", "true", "True", "TRUE",  "on",
                        "On",    "ON",  "n",   "N",   "no",  "No",   "NO",   "false", "False",
                        "FALSE", "off", "Off", "OFF", "~",   "null", "Null", "NULL"});
    case k_dot: {
      if (one_of(s, {".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF"})) return true;
      double value;
      return dot_float(s, value);
    }
    case k_sign:
    case k_digit: {
      if (one_of(s, {"+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"})) return true;
      std::string scratch;
      if (parse_timestamp(s, scratch)) return true;
      std::string_view plain = without_underscores(s, scratch);
      int64_t integer;
      uint64_t big;
      double value;
      if (go_parse_int(plain, integer) || go_parse_uint(plain, big)) return true;
      if (yaml_style_float(plain) && parse_float(plain, value)) return true;
      return is_base60_float(s);
    }
  }
  return false;
}

void append_int(int64_t value, std::string& out) {
  char text[24];
  auto result = std::to_chars(text, text + sizeof text, value);
  out.append(text, result.ptr);
}

void append_float(double value, std::string& out, bool json_round_trip) {
  if (std::isnan(value)) {
    out += ".nan";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? ".inf" : "-.inf";
    return;
  }
  if (value == 0) {  // JSON prints 0 or -0; both read back as the integer 0
    out += json_round_trip || !std::signbit(value) ? "0" : "-0";
    return;
  }
  if (value < 0) out.push_back('-');
  double magnitude = std::fabs(value);
  Decimal d = shortest(magnitude);
  if (!json_round_trip) {
    append_general(d, out);
    return;
  }
  // JSON uses fixed notation in [1e-6, 1e21); an integral result that fits int64 (or uint64
  // when positive) reads back as an integer and prints the same digits.
  bool fixed = magnitude >= 1e-6 && magnitude < 1e21;
  bool integral = fixed && d.count <= d.point;
  bool fits = value < 0 ? magnitude <= 9223372036854775808.0 : magnitude < 18446744073709551616.0;
  if (integral && fits) {
    append_fixed(d, out);
    return;
  }
  append_general(d, out);
}

}  // namespace plumb::yaml_detail

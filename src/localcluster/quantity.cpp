#include "localcluster/quantity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace plumb::localcluster {
namespace {

constexpr std::string_view k_format_wrong =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
constexpr std::string_view k_suffix_wrong = "unable to parse quantity's suffix";

struct Parsed {
  bool positive = true;
  std::string_view num, denom, suffix;
};

bool digit(char c) {
  return c >= '0' && c <= '9';
}

// The API server's scanner: sign, digits, optional fraction, then a suffix made of suffix
// letters and an optional signed exponent. Overly permissive by design; the suffix is
// judged afterwards.
std::optional<Parsed> scan(std::string_view s) {
  Parsed p;
  size_t pos = 0;
  const size_t end = s.size();
  if (pos < end && (s[0] == '-' || s[0] == '+')) {
    p.positive = s[0] == '+';
    ++pos;
  }
  while (pos < end && s[pos] == '0')
    ++pos;
  if (pos >= end) {
    p.num = "0";
    return p;
  }
  size_t start = pos;
  while (pos < end && digit(s[pos]))
    ++pos;
  p.num = s.substr(start, pos - start);
  if (pos >= end) return p;
  if (p.num.empty()) p.num = "0";
  if (s[pos] == '.') {
    ++pos;
    start = pos;
    while (pos < end && digit(s[pos]))
      ++pos;
    p.denom = s.substr(start, pos - start);
    if (pos >= end) return p;
  }
  const size_t suffix_start = pos;
  constexpr std::string_view letters = "eEinumkKMGTP";
  while (pos < end && letters.find(s[pos]) != std::string_view::npos)
    ++pos;
  if (pos >= end) {
    p.suffix = s.substr(suffix_start);
    return p;
  }
  if (s[pos] == '-' || s[pos] == '+') ++pos;
  while (pos < end && digit(s[pos]))
    ++pos;
  if (pos < end) return std::nullopt;
  p.suffix = s.substr(suffix_start);
  return p;
}

// base and exponent of a suffix: "Ki" (2, 10), "m" (10, -3), "e3" (10, 3).
std::optional<std::pair<int, int>> interpret(std::string_view suffix) {
  struct Row {
    std::string_view suffix;
    int base, exponent;
  };
  static constexpr Row k_rows[] = {
      {"", 10, 0},   {"n", 10, -9}, {"u", 10, -6}, {"m", 10, -3}, {"k", 10, 3},  {"M", 10, 6},
      {"G", 10, 9},  {"T", 10, 12}, {"P", 10, 15}, {"E", 10, 18}, {"Ki", 2, 10}, {"Mi", 2, 20},
      {"Gi", 2, 30}, {"Ti", 2, 40}, {"Pi", 2, 50}, {"Ei", 2, 60},
  };
  for (const Row& row : k_rows)
    if (row.suffix == suffix) return std::pair{row.base, row.exponent};
  if (suffix.size() > 1 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    std::string_view rest = suffix.substr(1);
    size_t i = rest[0] == '-' || rest[0] == '+' ? 1 : 0;
    if (i == rest.size() || rest.size() > 18) return std::nullopt;
    for (size_t k = i; k < rest.size(); ++k)
      if (!digit(rest[k])) return std::nullopt;
    return std::pair{10, std::stoi(std::string(rest))};
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> quantity_error(std::string_view text) {
  if (text.empty()) return k_format_wrong;
  if (text == "0") return std::nullopt;
  auto parsed = scan(text);
  if (!parsed) return k_format_wrong;
  if (!interpret(parsed->suffix)) return k_suffix_wrong;
  return std::nullopt;
}

std::optional<double> quantity_value(std::string_view text) {
  if (quantity_error(text)) return std::nullopt;
  auto parsed = scan(text);
  auto [base, exponent] = *interpret(parsed->suffix);
  double value = std::stod("0" + std::string(parsed->num) + "." + std::string(parsed->denom) + "0");
  value *= std::pow(static_cast<double>(base), exponent);
  return parsed->positive ? value : -value;
}

std::string canonical_quantity(std::string_view text) {
  if (quantity_error(text)) return std::string(text);
  auto parsed = scan(text);
  auto [base, exponent] = *interpret(parsed->suffix);
  std::string sign = parsed->positive ? "" : "-";
  std::string digits = std::string(parsed->num) + std::string(parsed->denom);
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return "0";
  digits = digits.substr(first);
  if (base == 2) {
    if (!parsed->denom.empty() || digits.size() > 15) return std::string(text);
    static constexpr std::string_view k_binary[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    uint64_t value = std::stoull(digits);
    int unit = exponent / 10;
    while (unit < 6 && value % 1024 == 0) {
      value /= 1024;
      ++unit;
    }
    return sign + std::to_string(value) + std::string(k_binary[unit]);
  }
  if (parsed->suffix.starts_with('e') || parsed->suffix.starts_with('E'))
    return std::string(text);  // exponent notation keeps its form
  int exp10 = exponent - static_cast<int>(parsed->denom.size());
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
    ++exp10;
  }
  int e = exp10 >= 0 ? std::min(18, exp10 - exp10 % 3) : -(((-exp10) + 2) / 3) * 3;
  e = std::max(e, -9);
  if (exp10 - e > 0) digits += std::string(static_cast<size_t>(exp10 - e), '0');
  static constexpr std::string_view k_decimal[] = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
  return sign + digits + std::string(k_decimal[(e + 9) / 3]);
}

std::optional<std::string> base64_error(std::string_view text) {
  auto index = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
  };
  auto newline = [](char c) { return c == '\n' || c == '\r'; };
  auto corrupt = [](size_t at) {
    return "illegal base64 data at input byte " + std::to_string(at);
  };
  // Go's decoder reads quanta of four symbols; line breaks are skipped, padding ends it.
  size_t si = 0;
  while (si < text.size()) {
    for (int j = 0; j < 4; ++j) {
      if (si == text.size()) {
        if (j == 0) return std::nullopt;
        return corrupt(si - static_cast<size_t>(j));
      }
      char in = text[si++];
      if (index(in)) continue;
      if (newline(in)) {
        --j;
        continue;
      }
      if (in != '=') return corrupt(si - 1);
      if (j == 0 || j == 1) return corrupt(si - 1);
      if (j == 2) {
        while (si < text.size() && newline(text[si]))
          ++si;
        if (si == text.size()) return corrupt(text.size());
        if (text[si] != '=') return corrupt(si - 1);
        ++si;
      }
      while (si < text.size() && newline(text[si]))
        ++si;
      if (si < text.size()) return corrupt(si);
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace plumb::localcluster

#include "sprig/semver.hpp"

#include <charconv>

namespace plumb::sprig {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ident(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? s.npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

// [0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*
bool dotted_idents(std::string_view s) {
  for (auto part : split(s, '.')) {
    if (part.empty()) return false;
    for (char c : part)
      if (!is_ident(c)) return false;
  }
  return true;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

std::optional<uint64_t> number(std::string_view s) {
  if (!all_digits(s)) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

int compare_prerelease(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  if (a.empty()) return 1;
  if (b.empty()) return -1;
  auto pa = split(a, '.'), pb = split(b, '.');
  for (size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
    if (i >= pa.size()) return -1;
    if (i >= pb.size()) return 1;
    bool na = all_digits(pa[i]), nb = all_digits(pb[i]);
    if (na && nb) {
      auto x = number(pa[i]).value_or(0), y = number(pb[i]).value_or(0);
      if (x != y) return x < y ? -1 : 1;
    } else if (na != nb) {
      return na ? -1 : 1;
    } else if (pa[i] != pb[i]) {
      return pa[i] < pb[i] ? -1 : 1;
    }
  }
  return 0;
}

bool is_x(std::string_view s) {
  return s == "x" || s == "X" || s == "*";
}

// One comparator: operator, optional spaces, a version whose parts may be x or *.
std::optional<SemConstraint::Comparator> parse_comparator(std::string_view op,
                                                          std::string_view text) {
  SemConstraint::Comparator c;
  c.op = op == "=>" ? ">=" : op == "=<" ? "<=" : std::string(op);
  if (text.empty()) {
    c.dirty = true;
    return c;
  }
  if (text[0] == 'v') text.remove_prefix(1);
  std::string_view rest;
  size_t cut = text.find_first_of("-+");
  std::string_view numbers = text.substr(0, cut);
  if (cut != std::string_view::npos) rest = text.substr(cut);
  auto parts = split(numbers, '.');
  if (parts.size() > 3) return std::nullopt;
  for (auto p : parts) {
    if (p.empty()) return std::nullopt;
    if (!is_x(p) && !all_digits(p)) return std::nullopt;
  }
  std::string version;
  if (is_x(parts[0])) {
    version = "0.0.0";
    c.dirty = true;
  } else if (parts.size() < 2 || is_x(parts[1])) {
    version = std::string(parts[0]) + ".0.0";
    c.dirty = c.minor_dirty = true;
  } else if (parts.size() < 3 || is_x(parts[2])) {
    version = std::string(parts[0]) + "." + std::string(parts[1]) + ".0";
    c.dirty = c.patch_dirty = true;
  } else {
    version = std::string(numbers);
  }
  auto v = SemVersion::parse(version + std::string(rest));
  if (!v) return std::nullopt;
  c.version = *v;
  return c;
}

bool pre_refused(const SemVersion& v, const SemConstraint::Comparator& c) {
  return !v.prerelease.empty() && c.version.prerelease.empty();
}

bool tilde(const SemVersion& v, const SemConstraint::Comparator& c) {
  if (pre_refused(v, c)) return false;
  if (v.compare(c.version) < 0) return false;
  const auto& k = c.version;
  if (k.major == 0 && k.minor == 0 && k.patch == 0 && !c.minor_dirty && !c.patch_dirty) return true;
  if (v.major != k.major) return false;
  if (v.minor != k.minor && !c.minor_dirty) return false;
  return true;
}

bool check_one(const SemVersion& v, const SemConstraint::Comparator& c) {
  const auto& k = c.version;
  const std::string& op = c.op;
  if (op == "" || op == "=") {
    if (pre_refused(v, c)) return false;
    if (c.dirty) return tilde(v, c);
    return v.compare(k) == 0;
  }
  if (op == "!=") {
    if (c.dirty) {
      if (pre_refused(v, c)) return false;
      if (k.major != v.major) return true;
      if (k.minor != v.minor && !c.minor_dirty) return true;
      if (c.minor_dirty) return false;
      if (k.patch != v.patch && !c.patch_dirty) return true;
      if (c.patch_dirty) {
        if (!v.prerelease.empty() || !k.prerelease.empty())
          return compare_prerelease(v.prerelease, k.prerelease) != 0;
        return false;
      }
    }
    return v.compare(k) != 0;
  }
  if (pre_refused(v, c)) return false;
  if (op == ">") {
    if (!c.dirty) return v.compare(k) > 0;
    if (v.major != k.major) return v.major > k.major;
    if (c.minor_dirty) return false;
    if (c.patch_dirty) return v.minor > k.minor;
    return v.compare(k) > 0;
  }
  if (op == "<") return v.compare(k) < 0;
  if (op == ">=") return v.compare(k) >= 0;
  if (op == "<=") {
    if (!c.dirty) return v.compare(k) <= 0;
    if (v.major > k.major) return false;
    if (v.major == k.major && v.minor > k.minor && !c.minor_dirty) return false;
    return true;
  }
  if (op == "~" || op == "~>") return tilde(v, c);
  if (op == "^") {
    if (v.compare(k) < 0) return false;
    if (k.major > 0 || c.minor_dirty) return v.major == k.major;
    if (v.major > 0) return false;
    if (k.minor > 0 || c.patch_dirty) return v.minor == k.minor;
    if (v.minor > 0) return false;
    return v.patch == k.patch;
  }
  return false;
}

bool is_version_char(char c) {
  return is_ident(c) || c == '.' || c == '*' || c == '+';
}

}  // namespace

std::optional<SemVersion> SemVersion::parse(std::string_view text) {
  auto v = parse_checked(text);
  if (!v) return std::nullopt;
  return std::move(*v);
}

Result<SemVersion> SemVersion::parse_checked(std::string_view text) {
  constexpr std::string_view k_invalid = "invalid semantic version";
  if (!text.empty() && text[0] == 'v') text.remove_prefix(1);
  SemVersion v;
  size_t plus = text.find('+');
  if (plus != std::string_view::npos) {
    v.metadata = std::string(text.substr(plus + 1));
    if (!dotted_idents(v.metadata)) return fail(k_invalid);
    text = text.substr(0, plus);
  }
  size_t dash = text.find('-');
  bool zero_segment = false;
  if (dash != std::string_view::npos) {
    v.prerelease = std::string(text.substr(dash + 1));
    if (!dotted_idents(v.prerelease)) return fail(k_invalid);
    for (auto part : split(v.prerelease, '.'))
      if (all_digits(part) && part.size() > 1 && part[0] == '0') zero_segment = true;
    text = text.substr(0, dash);
  }
  auto parts = split(text, '.');
  if (parts.size() > 3) return fail(k_invalid);
  for (auto part : parts)
    if (!all_digits(part)) return fail(k_invalid);
  uint64_t* fields[] = {&v.major, &v.minor, &v.patch};
  for (size_t i = 0; i < parts.size(); ++i) {
    auto n = number(parts[i]);
    if (!n) {
      return fail("error parsing version segment: strconv.ParseUint: parsing \"", parts[i],
                  "\": value out of range");
    }
    *fields[i] = *n;
  }
  if (zero_segment) return fail("version segment starts with 0");
  return v;
}

std::string SemVersion::to_string() const {
  std::string out =
      std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!prerelease.empty()) out += "-" + prerelease;
  if (!metadata.empty()) out += "+" + metadata;
  return out;
}

int SemVersion::compare(const SemVersion& o) const {
  if (major != o.major) return major < o.major ? -1 : 1;
  if (minor != o.minor) return minor < o.minor ? -1 : 1;
  if (patch != o.patch) return patch < o.patch ? -1 : 1;
  return compare_prerelease(prerelease, o.prerelease);
}

std::optional<SemConstraint> SemConstraint::parse(std::string_view text) {
  SemConstraint out;
  for (std::string_view group : split_or(text)) {
    std::vector<Comparator> all;
    // Hyphen ranges: "A - B" is ">= A, <= B".
    std::string g(group);
    for (size_t at; (at = g.find(" - ")) != std::string::npos;)
      g.replace(at, 3, " ~H~ ");
    std::string_view s = g;
    size_t i = 0;
    bool hyphen_next = false;
    while (true) {
      while (i < s.size() && (s[i] == ' ' || s[i] == ',' || s[i] == '\t'))
        ++i;
      if (i >= s.size()) break;
      if (s.substr(i).starts_with("~H~")) {
        if (all.empty() || hyphen_next) return std::nullopt;
        hyphen_next = true;
        i += 3;
        continue;
      }
      size_t op_start = i;
      while (i < s.size() && std::string_view("=!<>~^").find(s[i]) != std::string_view::npos)
        ++i;
      std::string_view op = s.substr(op_start, i - op_start);
      while (i < s.size() && s[i] == ' ')
        ++i;
      size_t v_start = i;
      while (i < s.size() && is_version_char(s[i]))
        ++i;
      std::string_view ver = s.substr(v_start, i - v_start);
      if (ver.empty()) return std::nullopt;
      static const std::vector<std::string_view> ops = {
          "", "=", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^"};
      bool known = false;
      for (auto o : ops)
        known = known || o == op;
      if (!known) return std::nullopt;
      if (hyphen_next) {
        if (!op.empty() || all.back().op != "") return std::nullopt;
        all.back().op = ">=";
        auto c = parse_comparator("<=", ver);
        if (!c) return std::nullopt;
        all.push_back(*c);
        hyphen_next = false;
        continue;
      }
      auto c = parse_comparator(op, ver);
      if (!c) return std::nullopt;
      all.push_back(*c);
    }
    if (hyphen_next) return std::nullopt;
    if (all.empty()) {
      if (!group.empty() && group.find_first_not_of(" \t") != std::string_view::npos)
        return std::nullopt;
      // An empty constraint is `*`.
      Comparator any;
      any.dirty = true;
      all.push_back(any);
    }
    out.m_any_of.push_back(std::move(all));
  }
  return out;
}

std::vector<std::string_view> SemConstraint::split_or(std::string_view text) {
  std::vector<std::string_view> groups;
  size_t start = 0;
  while (true) {
    size_t at = text.find("||", start);
    groups.push_back(text.substr(start, at == std::string_view::npos ? text.npos : at - start));
    if (at == std::string_view::npos) return groups;
    start = at + 2;
  }
}

bool SemConstraint::check(const SemVersion& version) const {
  for (const auto& group : m_any_of) {
    bool all = true;
    for (const auto& c : group) {
      if (!check_one(version, c)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

bool is_compatible_range(std::string_view constraint, std::string_view version) {
  auto v = SemVersion::parse(version);
  if (!v) return false;
  auto c = SemConstraint::parse(constraint);
  if (!c) return false;
  return c->check(*v);
}

}  // namespace plumb::sprig

#include "source/semver.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace plumb::source {
namespace {

constexpr uint64_t k_wild = std::numeric_limits<uint64_t>::max();

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Compares dot-separated pre-release identifiers: numeric ones numerically and lower than
// alphanumeric ones; a shorter list that is a prefix is lower.
std::strong_ordering compare_prerelease(std::string_view a, std::string_view b) {
  if (a == b) return std::strong_ordering::equal;
  if (a.empty()) return std::strong_ordering::greater;  // a release sorts after pre-releases
  if (b.empty()) return std::strong_ordering::less;
  while (!a.empty() || !b.empty()) {
    if (a.empty()) return std::strong_ordering::less;
    if (b.empty()) return std::strong_ordering::greater;
    std::string_view pa = a.substr(0, a.find('.')), pb = b.substr(0, b.find('.'));
    a.remove_prefix(std::min(a.size(), pa.size() + 1));
    b.remove_prefix(std::min(b.size(), pb.size() + 1));
    bool na = pa.find_first_not_of("0123456789") == std::string_view::npos;
    bool nb = pb.find_first_not_of("0123456789") == std::string_view::npos;
    if (na && nb) {
      if (pa.size() != pb.size()) return pa.size() <=> pb.size();
      if (auto c = pa.compare(pb); c != 0) return c <=> 0;
    } else if (na != nb) {
      return na ? std::strong_ordering::less : std::strong_ordering::greater;
    } else if (auto c = pa.compare(pb); c != 0) {
      return c <=> 0;
    }
  }
  return std::strong_ordering::equal;
}

// A partial version as ranges write it: "1", "1.2", "1.2.x", "*"; missing or wild parts are
// k_wild.
struct Partial {
  uint64_t part[3] = {k_wild, k_wild, k_wild};
  std::string prerelease;
  int given = 0;  // how many numeric parts were given
};

std::optional<Partial> parse_partial(std::string_view text) {
  Partial p;
  text = trim(text);
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  if (size_t plus = text.find('+'); plus != std::string_view::npos) text = text.substr(0, plus);
  if (size_t dash = text.find('-'); dash != std::string_view::npos) {
    p.prerelease = std::string(text.substr(dash + 1));
    text = text.substr(0, dash);
  }
  if (text.empty()) return std::nullopt;
  for (int i = 0; i < 3 && !text.empty(); ++i) {
    std::string_view piece = text.substr(0, text.find('.'));
    text.remove_prefix(std::min(text.size(), piece.size() + 1));
    if (piece == "x" || piece == "X" || piece == "*") {
      p.given = i;
      return p;
    }
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), value);
    if (ec != std::errc() || end != piece.data() + piece.size()) return std::nullopt;
    p.part[i] = value;
    p.given = i + 1;
  }
  if (!text.empty()) return std::nullopt;
  return p;
}

Version lower_bound(const Partial& p) {
  return {p.part[0] == k_wild ? 0 : p.part[0], p.part[1] == k_wild ? 0 : p.part[1],
          p.part[2] == k_wild ? 0 : p.part[2], p.prerelease};
}

// The smallest version above everything the partial names (for "1.2" that is 1.3.0-0).
Version upper_exclusive(const Partial& p) {
  if (p.given <= 0) return {k_wild, 0, 0, ""};
  if (p.given == 1) return {p.part[0] + 1, 0, 0, "0"};
  return {p.part[0], p.part[1] + 1, 0, "0"};
}

}  // namespace

std::optional<Version> Version::parse(std::string_view text) {
  auto p = parse_partial(text);
  if (!p || p->given < 2) return std::nullopt;  // "1.2" is accepted, "1" is not a version
  return lower_bound(*p);
}

std::strong_ordering Version::operator<=>(const Version& o) const {
  if (auto c = major <=> o.major; c != 0) return c;
  if (auto c = minor <=> o.minor; c != 0) return c;
  if (auto c = patch <=> o.patch; c != 0) return c;
  return compare_prerelease(prerelease, o.prerelease);
}

namespace {

using Comparator = VersionRange::Comparator;

// Adds the comparators one "OP VERSION" term stands for.
Result<void> add_term(std::string_view op, const Partial& v, std::vector<Comparator>& all_of) {
  auto add = [&](Comparator::Op o, Version ver) { all_of.push_back({o, std::move(ver)}); };
  bool exact = v.given == 3;
  if (op.empty() || op == "=" || op == "==") {
    add(Comparator::Op::ge, lower_bound(v));
    if (exact) {
      add(Comparator::Op::le, lower_bound(v));
    } else if (v.given > 0) {
      add(Comparator::Op::lt, upper_exclusive(v));
    }
  } else if (op == "!=") {
    add(Comparator::Op::ne, lower_bound(v));
  } else if (op == ">=") {
    add(Comparator::Op::ge, lower_bound(v));
  } else if (op == ">") {
    if (exact)
      add(Comparator::Op::gt, lower_bound(v));
    else
      add(Comparator::Op::ge, upper_exclusive(v));
  } else if (op == "<=") {
    if (exact)
      add(Comparator::Op::le, lower_bound(v));
    else
      add(Comparator::Op::lt, upper_exclusive(v));
  } else if (op == "<") {
    add(Comparator::Op::lt, lower_bound(v));
  } else if (op == "~" || op == "~>") {
    add(Comparator::Op::ge, lower_bound(v));
    Partial up = v;
    up.given = std::clamp(v.given, 1, 2);
    add(Comparator::Op::lt, upper_exclusive(up));
  } else if (op == "^") {
    add(Comparator::Op::ge, lower_bound(v));
    Version base = lower_bound(v);
    if (base.major > 0 || v.given <= 1) {
      add(Comparator::Op::lt, {base.major + 1, 0, 0, "0"});
    } else if (base.minor > 0 || v.given == 2) {
      add(Comparator::Op::lt, {0, base.minor + 1, 0, "0"});
    } else {
      add(Comparator::Op::lt, {0, 0, base.patch + 1, "0"});
    }
  } else {
    return fail("unknown operator \"", op, "\"");
  }
  return {};
}

}  // namespace

Result<VersionRange> VersionRange::parse(std::string_view text) {
  VersionRange range;
  auto bad = [&](std::string_view why) {
    return fail("invalid semver range \"", text, "\": ", why);
  };
  std::string_view rest = text;
  while (true) {
    size_t bar = rest.find("||");
    std::string_view alternative = trim(rest.substr(0, bar));
    std::vector<Comparator> all_of;
    if (size_t hy = alternative.find(" - "); hy != std::string_view::npos) {
      auto lo = parse_partial(alternative.substr(0, hy));
      auto hi = parse_partial(alternative.substr(hy + 3));
      if (!lo || !hi) return bad("bad hyphen range");
      all_of.push_back({Comparator::Op::ge, lower_bound(*lo)});
      if (hi->given == 3) {
        all_of.push_back({Comparator::Op::le, lower_bound(*hi)});
      } else {
        all_of.push_back({Comparator::Op::lt, upper_exclusive(*hi)});
      }
    } else {
      // Terms split by spaces or commas; an operator may stand apart from its version.
      std::vector<std::string> words;
      std::string word;
      for (char c : alternative) {
        if (c == ' ' || c == ',' || c == '\t') {
          if (!word.empty()) words.push_back(std::move(word)), word.clear();
        } else {
          word += c;
        }
      }
      if (!word.empty()) words.push_back(std::move(word));
      for (size_t i = 0; i < words.size(); ++i) {
        std::string term = words[i];
        if (term.find_first_not_of("<>=!~^") == std::string::npos && i + 1 < words.size()) {
          term += words[++i];
        }
        size_t op_end = term.find_first_not_of("<>=!~^");
        if (op_end == std::string::npos) return bad("operator without a version");
        auto v = parse_partial(std::string_view(term).substr(op_end));
        if (!v) return bad("\"" + term + "\" is not a version");
        if (auto added = add_term(std::string_view(term).substr(0, op_end), *v, all_of); !added) {
          return bad(added.error().message());
        }
      }
    }
    if (all_of.empty()) return bad("empty");
    range.m_any_of.push_back(std::move(all_of));
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 2);
  }
  return range;
}

bool VersionRange::contains(const Version& v) const {
  for (const auto& all_of : m_any_of) {
    bool ok = true;
    bool prerelease_allowed = v.prerelease.empty();
    for (const Comparator& c : all_of) {
      // A pre-release matches only when a comparator names a pre-release of the same
      // major.minor.patch (the "0" sentinel of an exclusive upper bound does not count).
      if (!v.prerelease.empty() && !c.version.prerelease.empty() && c.version.prerelease != "0" &&
          c.version.major == v.major && c.version.minor == v.minor && c.version.patch == v.patch) {
        prerelease_allowed = true;
      }
      auto cmp = v <=> c.version;
      switch (c.op) {
        case Comparator::Op::eq:
          ok = ok && cmp == 0;
          break;
        case Comparator::Op::ne:
          ok = ok && cmp != 0;
          break;
        case Comparator::Op::gt:
          ok = ok && cmp > 0;
          break;
        case Comparator::Op::ge:
          ok = ok && cmp >= 0;
          break;
        case Comparator::Op::lt:
          ok = ok && cmp < 0;
          break;
        case Comparator::Op::le:
          ok = ok && cmp <= 0;
          break;
      }
    }
    if (ok && prerelease_allowed) return true;
  }
  return false;
}

}  // namespace plumb::source

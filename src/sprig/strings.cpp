// sprig's string functions (strings.go, functions.go of sprig v3 and the goutils and xstrings
// helpers it calls), with Go's argument types and sprig's results.
#include <algorithm>

#include "gotemplate/fmt.hpp"
#include "gotemplate/strconv.hpp"
#include "sprig/go_text.hpp"
#include "sprig/sprig_groups.hpp"

namespace plumb::sprig {

namespace {

using gotemplate::CallContext;
using gotemplate::Kind;
using gotemplate::ValueList;

Value str(std::string s) {
  return Value::string(s);
}

// A string longer than an execution may write (ExecOptions::max_output) is refused before it
// is built.
std::unexpected<Error> too_long(const CallContext& c) {
  return fail("output exceeds the limit of ", std::to_string(c.options().max_output), " bytes");
}

bool in_cutset(int32_t r, std::string_view cutset) {
  for (size_t i = 0; i < cutset.size();) {
    size_t width = 1;
    if (gotemplate::decode_utf8(cutset, i, width) == r) return true;
    i += width;
  }
  return false;
}

template <typename Pred>
std::string_view trim_runes(std::string_view s, Pred&& cut, bool left = true, bool right = true) {
  if (left) {
    while (!s.empty()) {
      size_t width = 1;
      int32_t r = gotemplate::decode_utf8(s, 0, width);
      if (!cut(r)) break;
      s.remove_prefix(width);
    }
  }
  if (right) {
    while (!s.empty()) {
      // the last rune: back up over continuation bytes (at most 3)
      size_t start = s.size() - 1;
      while (start > 0 && s.size() - start < 4 &&
             (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
        --start;
      size_t width = 1;
      int32_t r = gotemplate::decode_utf8(s, start, width);
      if (start + width != s.size()) {
        start = s.size() - 1;
        r = 0xFFFD;
      }
      if (!cut(r)) break;
      s.remove_suffix(s.size() - start);
    }
  }
  return s;
}

// Go's strings.Title separator rule.
bool is_title_separator(int32_t r) {
  if (r <= 0x7F) {
    if ((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_')
      return false;
    return true;
  }
  if (gotemplate::is_letter(r) || gotemplate::is_digit(r)) return false;
  return go_is_space(r);
}

std::string title(std::string_view s) {
  std::string out;
  int32_t prev = ' ';
  for (size_t i = 0; i < s.size();) {
    size_t width = 1;
    int32_t r = gotemplate::decode_utf8(s, i, width);
    gotemplate::append_utf8(out, is_title_separator(prev) ? go_to_title(r) : r);
    prev = r;
    i += width;
  }
  return out;
}

// goutils.Uncapitalize with whitespace delimiters.
std::string untitle(std::string_view s) {
  std::vector<int32_t> runes = to_runes(s);
  bool next = true;
  for (int32_t& r : runes) {
    if (go_is_space(r)) {
      next = true;
    } else if (next) {
      r = go_to_lower(r);
      next = false;
    }
  }
  return from_runes(runes);
}

// goutils.SwapCase.
std::string swapcase(std::string_view s) {
  std::vector<int32_t> runes = to_runes(s);
  bool whitespace = true;
  for (int32_t& r : runes) {
    if (go_is_upper(r) || go_is_title(r)) {
      r = go_to_lower(r);
      whitespace = false;
    } else if (go_is_lower(r)) {
      r = whitespace ? go_to_title(r) : go_to_upper(r);
      whitespace = false;
    } else {
      whitespace = go_is_space(r);
    }
  }
  return from_runes(runes);
}

// goutils reads strings byte by byte and writes each byte back as the rune of that number.
void append_byte_rune(std::string& out, unsigned char c) {
  gotemplate::append_utf8(out, c);
}

bool byte_is_space(unsigned char c) {
  return go_is_space(c);
}

// goutils.DeleteWhiteSpace.
std::string nospace(std::string_view s) {
  std::string out;
  size_t count = 0;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (!byte_is_space(c)) {
      append_byte_rune(out, c);
      ++count;
    }
  }
  return count == s.size() ? std::string(s) : out;
}

// goutils.Initials.
std::string initials(std::string_view s) {
  std::string out;
  bool gap = true;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (byte_is_space(c)) {
      gap = true;
    } else if (gap) {
      append_byte_rune(out, c);
      gap = false;
    }
  }
  return out;
}

// goutils.AbbreviateFull (its errors are swallowed by sprig's callers).
std::string abbreviate_full(std::string_view s, int64_t offset, int64_t width) {
  auto len = static_cast<int64_t>(s.size());
  if (s.empty() || width < 4) return "";
  if (len <= width) return std::string(s);
  if (offset > len) offset = len;
  if (len - offset < width - 3) offset = len - (width - 3);
  if (offset <= 4) return std::string(s.substr(0, static_cast<size_t>(width - 3))) + "...";
  if (width < 7) return "";
  if (offset + width - 3 < len) {
    return "..." + abbreviate_full(s.substr(static_cast<size_t>(offset)), 0, width - 3);
  }
  return "..." + std::string(s.substr(static_cast<size_t>(len - (width - 3))));
}

// goutils.WrapCustom.
std::string wrap_custom(std::string_view s, int64_t width, std::string_view newline,
                        bool wrap_long_words) {
  if (s.empty()) return "";
  if (newline.empty()) newline = "\n";
  if (width < 1) width = 1;
  auto w = static_cast<size_t>(width);
  size_t len = s.size();
  size_t offset = 0;
  std::string out;
  while (len - offset > w) {
    if (s[offset] == ' ') {
      ++offset;
      continue;
    }
    size_t end = std::min(w + offset + 1, len);
    size_t space = s.substr(offset, end - offset).rfind(' ');
    if (space != std::string_view::npos) {
      out += s.substr(offset, space);
      out += newline;
      offset += space + 1;
    } else if (wrap_long_words) {
      out += s.substr(offset, w);
      out += newline;
      offset += w;
    } else {
      size_t index = s.find(' ', w + offset);
      if (index == std::string_view::npos) {
        out += s.substr(offset);
        offset = len;
      } else {
        out += s.substr(offset, index - offset);
        out += newline;
        offset = index + 1;
      }
    }
  }
  out += s.substr(offset);
  return out;
}

bool is_connector(int32_t r) {
  return r == '-' || r == '_' || go_is_space(r);
}

// xstrings.ToCamelCase (v1.5): connectors dropped, the rune after one upper-cased; in a word
// that starts upper-case, the upper-case letters that follow are lowered until the first
// other rune ("HTTPServer" is "Httpserver", "aBC" stays "ABC").
std::string camelcase(std::string_view s) {
  std::vector<int32_t> runes = to_runes(s);
  std::string out;
  size_t i = 0;
  int32_t r0 = 0;
  bool have = false;
  bool first_upper = false;
  for (; i < runes.size(); ++i) {
    r0 = runes[i];
    if (!is_connector(r0)) {
      first_upper = go_is_upper(r0);
      r0 = go_to_upper(r0);
      have = true;
      ++i;
      break;
    }
    gotemplate::append_utf8(out, r0);
  }
  if (!have) return out;
  for (; i < runes.size(); ++i) {
    int32_t r1 = r0;
    r0 = runes[i];
    if (is_connector(r0) && is_connector(r1)) {
      gotemplate::append_utf8(out, r1);
      continue;
    }
    if (is_connector(r1)) {
      first_upper = go_is_upper(r0);
      r0 = go_to_upper(r0);
    } else {
      if (first_upper) {
        if (go_is_upper(r0)) {
          r0 = go_to_lower(r0);
        } else {
          first_upper = false;
        }
      }
      gotemplate::append_utf8(out, r1);
    }
  }
  gotemplate::append_utf8(out, r0);
  return out;
}

enum class WordKind { alpha, upper, number, connector, punct };

WordKind rune_kind(int32_t r) {
  if (is_connector(r)) return WordKind::connector;
  if (gotemplate::is_digit(r)) return WordKind::number;
  if (go_is_upper(r)) return WordKind::upper;
  if (gotemplate::is_letter(r)) return WordKind::alpha;
  return WordKind::punct;
}

// xstrings.ToSnakeCase / ToKebabCase: words split at case changes ("HTTPServer" is
// "HTTP" "Server"), digits stay with the word before them, connectors become `connector`,
// everything lowercased.
std::string lower_words(std::string_view s, int32_t connector) {
  std::vector<int32_t> runes = to_runes(s);
  std::string out;
  bool in_word = false;  // the last rune written belongs to a word (letter or digit)
  for (size_t i = 0; i < runes.size(); ++i) {
    int32_t r = runes[i];
    WordKind kind = rune_kind(r);
    switch (kind) {
      case WordKind::connector:
        gotemplate::append_utf8(out, connector);
        in_word = false;
        break;
      case WordKind::punct:
        gotemplate::append_utf8(out, r);
        in_word = false;
        break;
      case WordKind::number: {
        // Digits followed by a lower-case letter start a word ("v1beta1" is "v_1beta1");
        // others end the word before them ("version2Name" is "version2_name").
        if (in_word && rune_kind(runes[i - 1]) != WordKind::number) {
          size_t j = i;
          while (j < runes.size() && rune_kind(runes[j]) == WordKind::number)
            ++j;
          if (j < runes.size() && rune_kind(runes[j]) == WordKind::alpha)
            gotemplate::append_utf8(out, connector);
        }
        gotemplate::append_utf8(out, r);
        in_word = true;
        break;
      }
      case WordKind::upper: {
        // A new word starts here unless the previous rune was an upper-case letter and the
        // next one is not lower-case.
        bool starts = false;
        if (in_word && i > 0) {
          WordKind prev = rune_kind(runes[i - 1]);
          bool next_lower = i + 1 < runes.size() && rune_kind(runes[i + 1]) == WordKind::alpha;
          starts = prev != WordKind::upper || next_lower;
        }
        if (starts) gotemplate::append_utf8(out, connector);
        gotemplate::append_utf8(out, go_to_lower(r));
        in_word = true;
        break;
      }
      case WordKind::alpha:
        gotemplate::append_utf8(out, r);
        in_word = true;
        break;
    }
  }
  return out;
}

// sprig's strslice.
std::vector<std::string> strslice(const Value& v) {
  std::vector<std::string> out;
  if (v.is_list()) {
    for (const Value& item : v.items()) {
      if (!item.is_nothing()) out.push_back(strval(item));
    }
    return out;
  }
  if (v.is_nothing()) return out;
  out.push_back(strval(v));
  return out;
}

Value split_map(const std::vector<std::string>& parts) {
  auto map = std::make_shared<gotemplate::ValueMap>();
  for (size_t i = 0; i < parts.size(); ++i)
    map->append_unsorted("_" + std::to_string(i), Value::string(parts[i]));
  map->sort();
  return Value::map(map, gotemplate::GoType::map_string);
}

std::string slice_error(int64_t lo, int64_t hi, int64_t len, bool alen) {
  // Go's runtime boundsError for s[lo:hi]
  if (alen) {
    if (hi < 0) return "runtime error: slice bounds out of range [:" + std::to_string(hi) + "]";
    return "runtime error: slice bounds out of range [:" + std::to_string(hi) + "] with length " +
           std::to_string(len);
  }
  return "runtime error: slice bounds out of range [" + std::to_string(lo) + ":" +
         std::to_string(hi) + "]";
}

// s[lo:hi] with Go's bounds checks.
Result<Value> go_slice(std::string_view s, int64_t lo, int64_t hi) {
  auto len = static_cast<int64_t>(s.size());
  if (hi < 0 || hi > len) return fail(slice_error(lo, hi, len, true));
  if (lo < 0 || lo > hi) return fail(slice_error(lo, hi, len, false));
  return str(std::string(s.substr(static_cast<size_t>(lo), static_cast<size_t>(hi - lo))));
}

std::string quote_all(Args args, bool single) {
  std::string out;
  bool first = true;
  for (const Value& v : args) {
    if (v.is_nothing()) continue;
    if (!first) out += ' ';
    first = false;
    if (single) {
      out += '\'';
      gotemplate::append_value(out, v);
      out += '\'';
    } else {
      gotemplate::append_quoted(out, strval(v));
    }
  }
  return out;
}

}  // namespace

void add_string_functions(gotemplate::FuncMap& f) {
  add_encoding_functions(f);
  add_regex_functions(f);
  add_path_functions(f);
  add_crypto_functions(f);
  using P = Param;
  auto s1 = [&](const char* name, std::string (*fn)(std::string_view)) {
    define(f, name, {P::string},
           [fn](CallContext&, Args a) -> Result<Value> { return str(fn(a[0].as_string())); });
  };
  s1("trim", [](std::string_view s) {
    return std::string(trim_runes(s, [](int32_t r) { return go_is_space(r); }));
  });
  s1("upper", [](std::string_view s) { return go_to_upper(s); });
  s1("lower", [](std::string_view s) { return go_to_lower(s); });
  s1("title", [](std::string_view s) { return title(s); });
  s1("untitle", [](std::string_view s) { return untitle(s); });
  s1("swapcase", [](std::string_view s) { return swapcase(s); });
  s1("nospace", [](std::string_view s) { return nospace(s); });
  s1("initials", [](std::string_view s) { return initials(s); });
  s1("snakecase", [](std::string_view s) { return lower_words(s, '_'); });
  s1("kebabcase", [](std::string_view s) { return lower_words(s, '-'); });
  s1("camelcase", [](std::string_view s) { return camelcase(s); });

  auto trim_all = [](CallContext&, Args a) -> Result<Value> {
    std::string_view cutset = a[0].as_string();
    return str(std::string(
        trim_runes(a[1].as_string(), [cutset](int32_t r) { return in_cutset(r, cutset); })));
  };
  define(f, "trimAll", {P::string, P::string}, trim_all);
  define(f, "trimall", {P::string, P::string}, trim_all);
  define(f, "trimPrefix", {P::string, P::string}, [](CallContext&, Args a) -> Result<Value> {
    std::string_view s = a[1].as_string();
    if (s.starts_with(a[0].as_string())) s.remove_prefix(a[0].as_string().size());
    return str(std::string(s));
  });
  define(f, "trimSuffix", {P::string, P::string}, [](CallContext&, Args a) -> Result<Value> {
    std::string_view s = a[1].as_string();
    if (s.ends_with(a[0].as_string())) s.remove_suffix(a[0].as_string().size());
    return str(std::string(s));
  });

  define(f, "repeat", {P::int_, P::string}, [](CallContext& c, Args a) -> Result<Value> {
    int64_t count = a[0].as_int();
    if (count < 0) return fail("strings: negative Repeat count");
    size_t unit = a[1].as_string().size();
    if (unit != 0 && static_cast<uint64_t>(count) > c.options().max_output / unit)
      return too_long(c);
    return str(go_repeat(a[1].as_string(), count));
  });
  define(f, "substr", {P::int_, P::int_, P::string}, [](CallContext&, Args a) -> Result<Value> {
    int64_t start = a[0].as_int(), end = a[1].as_int();
    std::string_view s = a[2].as_string();
    auto len = static_cast<int64_t>(s.size());
    if (start < 0) return go_slice(s, 0, end);
    if (end < 0 || end > len) return go_slice(s, start, len);
    return go_slice(s, start, end);
  });
  define(f, "trunc", {P::int_, P::string}, [](CallContext&, Args a) -> Result<Value> {
    int64_t c = a[0].as_int();
    std::string_view s = a[1].as_string();
    auto len = static_cast<int64_t>(s.size());
    if (c < 0 && len + c > 0) return str(std::string(s.substr(static_cast<size_t>(len + c))));
    if (c >= 0 && len > c) return str(std::string(s.substr(0, static_cast<size_t>(c))));
    return str(std::string(s));
  });
  define(f, "abbrev", {P::int_, P::string}, [](CallContext&, Args a) -> Result<Value> {
    if (a[0].as_int() < 4) return str(std::string(a[1].as_string()));
    return str(abbreviate_full(a[1].as_string(), 0, a[0].as_int()));
  });
  define(f, "abbrevboth", {P::int_, P::int_, P::string}, [](CallContext&, Args a) -> Result<Value> {
    int64_t left = a[0].as_int(), right = a[1].as_int();
    if (right < 4 || (left > 0 && right < 7)) return str(std::string(a[2].as_string()));
    return str(abbreviate_full(a[2].as_string(), left, right));
  });
  define(f, "wrap", {P::int_, P::string}, [](CallContext&, Args a) -> Result<Value> {
    return str(wrap_custom(a[1].as_string(), a[0].as_int(), "", false));
  });
  define(f, "wrapWith", {P::int_, P::string, P::string}, [](CallContext&, Args a) -> Result<Value> {
    return str(wrap_custom(a[2].as_string(), a[0].as_int(), a[1].as_string(), true));
  });

  define(f, "contains", {P::string, P::string}, [](CallContext&, Args a) -> Result<Value> {
    return Value::boolean(a[1].as_string().find(a[0].as_string()) != std::string_view::npos);
  });
  define(f, "hasPrefix", {P::string, P::string}, [](CallContext&, Args a) -> Result<Value> {
    return Value::boolean(a[1].as_string().starts_with(a[0].as_string()));
  });
  define(f, "hasSuffix", {P::string, P::string}, [](CallContext&, Args a) -> Result<Value> {
    return Value::boolean(a[1].as_string().ends_with(a[0].as_string()));
  });

  define(
      f, "quote", {P::any},
      [](CallContext&, Args a) -> Result<Value> { return str(quote_all(a, false)); }, true);
  define(
      f, "squote", {P::any},
      [](CallContext&, Args a) -> Result<Value> { return str(quote_all(a, true)); }, true);
  define(
      f, "cat", {P::any},
      [](CallContext&, Args a) -> Result<Value> {
        std::string out;
        bool first = true;
        for (const Value& v : a) {
          if (v.is_nothing()) continue;
          if (!first) out += ' ';
          first = false;
          gotemplate::append_value(out, v);
        }
        return str(out);
      },
      true);

  auto indent = [](CallContext& c, int64_t spaces, std::string_view s) -> Result<std::string> {
    if (spaces < 0) return fail("strings: negative Repeat count");
    uint64_t lines = 1 + static_cast<uint64_t>(std::count(s.begin(), s.end(), '\n'));
    if (static_cast<uint64_t>(spaces) > c.options().max_output / lines) return too_long(c);
    std::string pad(static_cast<size_t>(spaces), ' ');
    return pad + go_replace_all(s, "\n", "\n" + pad);
  };
  define(f, "indent", {P::int_, P::string}, [indent](CallContext& c, Args a) -> Result<Value> {
    return str(TRY(indent(c, a[0].as_int(), a[1].as_string())));
  });
  define(f, "nindent", {P::int_, P::string}, [indent](CallContext& c, Args a) -> Result<Value> {
    return str("\n" + TRY(indent(c, a[0].as_int(), a[1].as_string())));
  });
  define(f, "replace", {P::string, P::string, P::string},
         [](CallContext&, Args a) -> Result<Value> {
           return str(go_replace_all(a[2].as_string(), a[0].as_string(), a[1].as_string()));
         });
  define(f, "plural", {P::string, P::string, P::int_}, [](CallContext&, Args a) -> Result<Value> {
    return str(std::string(a[2].as_int() == 1 ? a[0].as_string() : a[1].as_string()));
  });

  define(f, "split", {P::string, P::string}, [](CallContext&, Args a) -> Result<Value> {
    return split_map(go_split(a[1].as_string(), a[0].as_string()));
  });
  define(f, "splitn", {P::string, P::int_, P::string}, [](CallContext&, Args a) -> Result<Value> {
    return split_map(go_split(a[2].as_string(), a[0].as_string(), a[1].as_int()));
  });
  define(f, "splitList", {P::string, P::string}, [](CallContext&, Args a) -> Result<Value> {
    return string_list(go_split(a[1].as_string(), a[0].as_string()));
  });
  define(f, "join", {P::string, P::any}, [](CallContext&, Args a) -> Result<Value> {
    std::string out;
    bool first = true;
    for (const auto& item : strslice(a[1])) {
      if (!first) out += a[0].as_string();
      first = false;
      out += item;
    }
    return str(out);
  });
  define(f, "sortAlpha", {P::any}, [](CallContext&, Args a) -> Result<Value> {
    if (!a[0].is_list()) return string_list({strval(a[0])});
    std::vector<std::string> items = strslice(a[0]);
    std::sort(items.begin(), items.end());
    return string_list(items);
  });
  define(f, "toString", {P::any},
         [](CallContext&, Args a) -> Result<Value> { return str(strval(a[0])); });
  define(f, "toStrings", {P::any},
         [](CallContext&, Args a) -> Result<Value> { return string_list(strslice(a[0])); });
}

}  // namespace plumb::sprig

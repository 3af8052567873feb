#include "sprig/go_text.hpp"

#include <locale.h>
#include <wctype.h>

#include "gotemplate/fmt.hpp"
#include "gotemplate/strconv.hpp"

namespace plumb::sprig {

namespace {

locale_t utf8_locale() {
  static const locale_t locale = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    if (l == static_cast<locale_t>(nullptr))
      l = newlocale(LC_CTYPE_MASK, "C.utf8", static_cast<locale_t>(nullptr));
    return l;
  }();
  return locale;
}

template <typename F>
std::string map_runes(std::string_view s, F&& f) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t width = 1;
    int32_t r = gotemplate::decode_utf8(s, i, width);
    gotemplate::append_utf8(out, f(r));
    i += width;
  }
  return out;
}

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

}  // namespace

void define(gotemplate::FuncMap& funcs, std::string name, std::vector<Param> params,
            gotemplate::Function fn, bool variadic) {
  funcs.add(std::move(name), gotemplate::FuncInfo{std::move(fn), std::move(params), variadic});
}

bool go_is_space(int32_t r) {
  return gotemplate::is_space(r);
}

bool go_is_upper(int32_t r) {
  if (r < 0x80) return r >= 'A' && r <= 'Z';
  locale_t l = utf8_locale();
  return l != static_cast<locale_t>(nullptr) && iswupper_l(static_cast<wint_t>(r), l);
}

bool go_is_lower(int32_t r) {
  if (r < 0x80) return r >= 'a' && r <= 'z';
  locale_t l = utf8_locale();
  return l != static_cast<locale_t>(nullptr) && iswlower_l(static_cast<wint_t>(r), l);
}

int32_t go_to_upper(int32_t r) {
  if (r < 0x80) return r >= 'a' && r <= 'z' ? r - 32 : r;
  locale_t l = utf8_locale();
  if (l == static_cast<locale_t>(nullptr)) return r;
  return static_cast<int32_t>(towupper_l(static_cast<wint_t>(r), l));
}

int32_t go_to_lower(int32_t r) {
  if (r < 0x80) return r >= 'A' && r <= 'Z' ? r + 32 : r;
  locale_t l = utf8_locale();
  if (l == static_cast<locale_t>(nullptr)) return r;
  return static_cast<int32_t>(towlower_l(static_cast<wint_t>(r), l));
}

int32_t go_to_title(int32_t r) {
  switch (r) {
    case 0x01C4:
    case 0x01C5:
    case 0x01C6:
      return 0x01C5;
    case 0x01C7:
    case 0x01C8:
    case 0x01C9:
      return 0x01C8;
    case 0x01CA:
    case 0x01CB:
    case 0x01CC:
      return 0x01CB;
    case 0x01F1:
    case 0x01F2:
    case 0x01F3:
      return 0x01F2;
    default:
      return go_to_upper(r);
  }
}

bool go_is_title(int32_t r) {
  return r == 0x01C5 || r == 0x01C8 || r == 0x01CB || r == 0x01F2 || (r >= 0x1F88 && r <= 0x1F8F) ||
         (r >= 0x1F98 && r <= 0x1F9F) || (r >= 0x1FA8 && r <= 0x1FAF) || r == 0x1FBC ||
         r == 0x1FCC || r == 0x1FFC;
}

std::vector<int32_t> to_runes(std::string_view s) {
  std::vector<int32_t> out;
  for (size_t i = 0; i < s.size();) {
    size_t width = 1;
    out.push_back(gotemplate::decode_utf8(s, i, width));
    i += width;
  }
  return out;
}

std::string from_runes(std::span<const int32_t> runes) {
  std::string out;
  for (int32_t r : runes)
    gotemplate::append_utf8(out, r);
  return out;
}

std::string go_to_upper(std::string_view s) {
  if (is_ascii(s)) {
    std::string out(s);
    for (char& c : out)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return out;
  }
  return map_runes(s, [](int32_t r) { return go_to_upper(r); });
}

std::string go_to_lower(std::string_view s) {
  if (is_ascii(s)) {
    std::string out(s);
    for (char& c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    return out;
  }
  return map_runes(s, [](int32_t r) { return go_to_lower(r); });
}

std::string go_repeat(std::string_view s, int64_t count) {
  std::string out;
  out.reserve(s.size() * static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    out += s;
  return out;
}

std::vector<std::string> go_split(std::string_view s, std::string_view sep, int64_t n) {
  std::vector<std::string> out;
  if (n == 0) return out;
  if (sep.empty()) {
    // explode: one piece per rune, the last taking the rest
    size_t i = 0;
    while (i < s.size()) {
      if (n > 0 && static_cast<int64_t>(out.size()) == n - 1) {
        out.emplace_back(s.substr(i));
        return out;
      }
      size_t width = 1;
      gotemplate::decode_utf8(s, i, width);
      out.emplace_back(s.substr(i, width));
      i += width;
    }
    return out;
  }
  size_t start = 0;
  while (n < 0 || static_cast<int64_t>(out.size()) < n - 1) {
    size_t at = s.find(sep, start);
    if (at == std::string_view::npos) break;
    out.emplace_back(s.substr(start, at - start));
    start = at + sep.size();
  }
  out.emplace_back(s.substr(start));
  return out;
}

std::string go_replace_all(std::string_view s, std::string_view old, std::string_view with) {
  std::string out;
  if (old.empty()) {
    // before every rune and at the end
    out += with;
    for (size_t i = 0; i < s.size();) {
      size_t width = 1;
      gotemplate::decode_utf8(s, i, width);
      out += s.substr(i, width);
      out += with;
      i += width;
    }
    return out;
  }
  size_t start = 0;
  for (size_t at = s.find(old); at != std::string_view::npos; at = s.find(old, start)) {
    out += s.substr(start, at - start);
    out += with;
    start = at + old.size();
  }
  out += s.substr(start);
  return out;
}

std::string strval(const Value& v) {
  if (v.is_string()) return std::string(v.as_string());
  std::string out;
  gotemplate::append_value(out, v);
  return out;
}

Value string_list(const std::vector<std::string>& items) {
  gotemplate::ValueList list;
  list.reserve(items.size());
  for (const auto& item : items)
    list.push_back(Value::string(item));
  return Value::list(std::move(list), gotemplate::GoType::list_string);
}

}  // namespace plumb::sprig

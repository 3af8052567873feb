// std::regex_traits<char> with its locale facets looked up once per pattern instead of once per
// character: `Regex` is std::basic_regex over these traits, for the patterns Plumb compiles
// while rendering (sprig's regex functions, values.schema.json `pattern`s).
//
// Compiling a std::regex fills a 256-entry table for every bracket expression ([a-z0-9]) by
// asking the traits about each character, and std::regex_traits looks up the ctype and collate
// facets (a dynamic_cast each), builds a vector and calls strxfrm for every question: ~1,500
// instructions per character, ~400,000 per bracket. A chart's schema with a dozen of them cost
// more than rendering the chart. Here the facets are kept from imbue(), and in the classic "C"
// locale (Plumb never sets another) the primary collation key of a string is the string in
// lower case, as strxfrm's identity there makes it. Matching is unchanged: the answers are the
// same as std::regex_traits<char> gives; only how they are computed differs.
//
// libstdc++ only (char_class_type's members are its own); Plumb builds against libstdc++.
//
// Thread safety: as std::regex — a compiled Regex may be searched from several threads.
#pragma once

#include <locale>
#include <regex>
#include <string>

namespace plumb::sprig {

class RegexTraits : public std::regex_traits<char> {
 public:
  RegexTraits() { cache_facets(); }

  locale_type imbue(locale_type locale) {
    locale_type old = std::regex_traits<char>::imbue(locale);
    cache_facets();
    return old;
  }

  char translate_nocase(char c) const { return m_ctype->tolower(c); }

  bool isctype(char c, char_class_type mask) const {
    return m_ctype->is(mask._M_base, c) ||
           ((mask._M_extended & char_class_type::_S_under) && c == m_ctype->widen('_'));
  }

  template <typename Iterator>
  string_type transform_primary(Iterator first, Iterator last) const {
    if (!m_classic) return std::regex_traits<char>::transform_primary(first, last);
    string_type s(first, last);
    m_ctype->tolower(s.data(), s.data() + s.size());
    return s;
  }

  // The digit's value in radix 8, 10 or 16, or -1 (std::regex_traits reads it with an
  // istringstream).
  int value(char c, int radix) const {
    int v = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : 99;
    return v < radix ? v : -1;
  }

 private:
  void cache_facets() {
    m_ctype = &std::use_facet<std::ctype<char>>(getloc());
    m_classic = getloc() == std::locale::classic();
  }

  const std::ctype<char>* m_ctype = nullptr;
  bool m_classic = false;
};

using Regex = std::basic_regex<char, RegexTraits>;

}  // namespace plumb::sprig

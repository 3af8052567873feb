#include "archive.hpp"

namespace plumb::fuzz {
namespace {

constexpr std::string_view k_marker = "=== ";

// The offset of the next section line at or after `from`, or npos.
size_t next_section(std::string_view input, size_t from) {
  while (from < input.size()) {
    if ((from == 0 || input[from - 1] == '\n') && input.substr(from).starts_with(k_marker)) {
      return from;
    }
    size_t eol = input.find('\n', from);
    if (eol == std::string_view::npos) return std::string_view::npos;
    from = eol + 1;
  }
  return std::string_view::npos;
}

// The text between `begin` and a section line at `end` (npos: the end of the input), without
// the one newline that ends it.
std::string_view text_before(std::string_view input, size_t begin, size_t end) {
  if (end == std::string_view::npos) end = input.size();
  if (end > begin && input[end - 1] == '\n') --end;
  return input.substr(begin, end - begin);
}

}  // namespace

Archive split_archive(std::string_view input) {
  Archive archive;
  size_t at = next_section(input, 0);
  archive.header = text_before(input, 0, at);
  while (at != std::string_view::npos) {
    size_t name_begin = at + k_marker.size();
    size_t eol = input.find('\n', name_begin);
    Section section;
    section.name = input.substr(
        name_begin, eol == std::string_view::npos ? std::string_view::npos : eol - name_begin);
    if (eol == std::string_view::npos) {
      archive.sections.push_back(section);
      break;
    }
    at = next_section(input, eol + 1);
    section.text = text_before(input, eol + 1, at);
    archive.sections.push_back(section);
  }
  return archive;
}

}  // namespace plumb::fuzz

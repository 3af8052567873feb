#include "age/format.hpp"

#include <array>
#include <cstdint>

#include "core/base64.hpp"

namespace plumb::age::format {
namespace {

constexpr std::string_view k_stanza_prefix = "-> ";
constexpr std::string_view k_mac_prefix = "---";
constexpr size_t k_column_limit = 64;  // header body lines and armor lines

constexpr std::array<int8_t, 256> make_decode_table() {
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::array<int8_t, 256> table{};
  for (auto& v : table)
    v = -1;
  for (size_t i = 0; i < alphabet.size(); ++i)
    table[static_cast<unsigned char>(alphabet[i])] = int8_t(i);
  return table;
}
constexpr auto k_decode = make_decode_table();

bool is_base64_char(char c) {
  return k_decode[static_cast<unsigned char>(c)] >= 0;
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// A line of `text` from `pos` up to (not including) '\n'; nothing when no '\n' follows.
std::optional<std::string_view> next_line(std::string_view text, size_t& pos) {
  size_t end = text.find('\n', pos);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = text.substr(pos, end - pos);
  pos = end + 1;
  return line;
}

// What a header line is, for messages: printable, shortened.
std::string quote(std::string_view line) {
  std::string out = "\"";
  for (char c : line.substr(0, 40)) {
    if (c >= 0x20 && c < 0x7f) {
      out += c;
    } else {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[uint8_t(c) >> 4];
      out += hex[uint8_t(c) & 15];
    }
  }
  if (line.size() > 40) out += "...";
  return out + "\"";
}

Result<Stanza> parse_stanza_line(std::string_view line, size_t index) {
  std::string where = "stanza " + std::to_string(index + 1);
  std::string_view rest = line.substr(k_stanza_prefix.size());
  std::vector<std::string> args;
  while (true) {
    size_t space = rest.find(' ');
    std::string_view arg = rest.substr(0, space);
    if (arg.empty()) return fail(where, ": empty argument in ", quote(line));
    for (char c : arg)
      if (c < 0x21 || c > 0x7e) return fail(where, ": invalid character in ", quote(line));
    args.emplace_back(arg);
    if (space == std::string_view::npos) break;
    rest = rest.substr(space + 1);
  }
  Stanza stanza;
  stanza.type = std::move(args.front());
  stanza.args.assign(std::make_move_iterator(args.begin() + 1),
                     std::make_move_iterator(args.end()));
  return stanza;
}

}  // namespace

std::optional<std::string> decode_base64_raw(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int8_t v = k_decode[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    acc = acc << 6 | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char(uint8_t(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (acc != 0) return std::nullopt;  // unused low bits set: not the canonical encoding
  return out;
}

std::string encode_base64_raw(std::string_view bytes) {
  std::string out = base64_encode(bytes);
  while (!out.empty() && out.back() == '=')
    out.pop_back();
  return out;
}

Result<Header> parse_header(std::string_view file) {
  // Lines are read only within the size limit, so a hostile header costs at most that.
  std::string_view text = file.substr(0, k_max_header_size);
  size_t pos = 0;
  auto version = next_line(text, pos);
  if (!version) {
    if (file.empty()) return fail("empty file");
    return fail("no header: ", quote(text), " is not an age file's first line");
  }
  if (*version != k_version_line) {
    if (version->ends_with('\r'))
      return fail("the header's lines end with CRLF (age headers use LF)");
    if (version->starts_with("age-encryption.org/"))
      return fail("unsupported version ", quote(*version), " (only age-encryption.org/v1)");
    return fail("not an age file: the first line is ", quote(*version));
  }
  Header header;
  while (true) {
    size_t line_start = pos;
    auto line = next_line(text, pos);
    if (!line) {
      if (file.size() > k_max_header_size)
        return fail("header larger than ", std::to_string(k_max_header_size), " bytes");
      return fail("the header ends before the MAC line (\"--- \")");
    }
    if (line->starts_with(k_stanza_prefix)) {
      if (header.stanzas.size() == k_max_stanzas)
        return fail("more than ", std::to_string(k_max_stanzas), " recipient stanzas");
      size_t index = header.stanzas.size();
      Stanza stanza = TRY(parse_stanza_line(*line, index));
      // Body: full 64-column lines, then one shorter line (possibly empty) that ends it.
      std::string encoded;
      while (true) {
        auto body_line = next_line(text, pos);
        if (!body_line)
          return fail("stanza ", std::to_string(index + 1), " (", stanza.type,
                      "): the header ends inside its body");
        if (body_line->size() > k_column_limit)
          return fail("stanza ", std::to_string(index + 1), " (", stanza.type,
                      "): body line longer than 64 columns");
        for (char c : *body_line)
          if (!is_base64_char(c))
            return fail("stanza ", std::to_string(index + 1), " (", stanza.type, "): body line ",
                        quote(*body_line), " is not unpadded base64");
        encoded += *body_line;
        if (body_line->size() < k_column_limit) break;
      }
      auto body = decode_base64_raw(encoded);
      if (!body)
        return fail("stanza ", std::to_string(index + 1), " (", stanza.type,
                    "): body is not canonical base64");
      stanza.body = std::move(*body);
      header.stanzas.push_back(std::move(stanza));
      continue;
    }
    if (line->starts_with(k_mac_prefix)) {
      std::string_view encoded = line->substr(k_mac_prefix.size());
      if (!encoded.starts_with(' ') || encoded.size() != 44)
        return fail("malformed MAC line ", quote(*line));
      auto mac = decode_base64_raw(encoded.substr(1));
      if (!mac || mac->size() != 32)
        return fail("MAC line ", quote(*line), " is not canonical base64");
      header.mac = std::move(*mac);
      header.mac_input = file.substr(0, line_start + k_mac_prefix.size());
      break;
    }
    return fail("expected a recipient stanza (\"-> \") or the MAC line (\"--- \"), got ",
                quote(*line));
  }
  if (header.stanzas.empty()) return fail("no recipient stanzas");
  for (const Stanza& s : header.stanzas)
    if (s.type == "scrypt" && header.stanzas.size() > 1)
      return fail("an scrypt stanza must be the only one in the header");
  std::string_view rest = file.substr(pos);
  if (rest.size() < k_nonce_size) return fail("the file ends before the payload nonce");
  header.nonce = rest.substr(0, k_nonce_size);
  header.payload = rest.substr(k_nonce_size);
  return header;
}

std::string header_without_mac(const std::vector<Stanza>& stanzas) {
  std::string out(k_version_line);
  out += '\n';
  for (const Stanza& s : stanzas) {
    out += k_stanza_prefix;
    out += s.type;
    for (const std::string& arg : s.args) {
      out += ' ';
      out += arg;
    }
    out += '\n';
    std::string body = encode_base64_raw(s.body);
    // Full lines, then a shorter final line, empty when the body fills its last line.
    size_t at = 0;
    for (; body.size() - at >= k_column_limit; at += k_column_limit) {
      out += std::string_view(body).substr(at, k_column_limit);
      out += '\n';
    }
    out += std::string_view(body).substr(at);
    out += '\n';
  }
  out += k_mac_prefix;
  return out;
}

bool looks_armored(std::string_view file) {
  if (file.starts_with("age-encryption.org/")) return false;
  for (char c : file)
    if (!is_space(c)) return true;
  return false;
}

Result<std::string> dearmor(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size() && is_space(text[pos]))
    ++pos;
  // Reads the line at pos without its LF or CRLF; at the end of text, the rest.
  auto read_line = [&](std::string_view& line) {
    if (pos >= text.size()) return false;
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.ends_with('\r')) line.remove_suffix(1);
    return true;
  };
  std::string_view line;
  if (!read_line(line) || line != k_armor_begin)
    return fail("not an age file: it starts with neither \"age-encryption.org/v1\" nor \"",
                k_armor_begin, "\"");
  std::string encoded;
  bool short_line_seen = false;
  size_t number = 1;
  while (true) {
    ++number;
    if (!read_line(line)) return fail("no \"", k_armor_end, "\" line");
    if (line == k_armor_end) break;
    std::string where = "line " + std::to_string(number);
    if (short_line_seen)
      return fail(where, ": only the last line before the END line may be shorter than 64 columns");
    if (line.empty()) return fail(where, ": empty line");
    if (line.size() > k_column_limit) return fail(where, ": longer than 64 columns");
    for (char c : line)
      if (!is_base64_char(c) && c != '=') return fail(where, ": ", quote(line), " is not base64");
    if (line.size() < k_column_limit) short_line_seen = true;
    encoded += line;
  }
  for (; pos < text.size(); ++pos)
    if (!is_space(text[pos])) return fail("data after the \"", k_armor_end, "\" line");
  // Padded: a multiple of 4 characters, '=' only as the last one or two.
  size_t padding = 0;
  while (padding < 2 && padding < encoded.size() && encoded[encoded.size() - 1 - padding] == '=')
    ++padding;
  std::string_view digits = std::string_view(encoded).substr(0, encoded.size() - padding);
  bool padding_right =
      encoded.size() % 4 == 0 && (padding == 0 || digits.size() % 4 == 4 - padding);
  auto binary = padding_right ? decode_base64_raw(digits) : std::nullopt;
  if (!binary) return fail("the armored data is not canonical padded base64");
  return std::move(*binary);
}

std::string armor(std::string_view binary) {
  std::string encoded = base64_encode(binary);
  std::string out(k_armor_begin);
  out += '\n';
  for (size_t at = 0; at < encoded.size(); at += k_column_limit) {
    out += std::string_view(encoded).substr(at, k_column_limit);
    out += '\n';
  }
  out += k_armor_end;
  out += '\n';
  return out;
}

}  // namespace plumb::age::format

// The age v1 file format without the cryptography: the header (version line, recipient
// stanzas, MAC line), strict base64, and the ASCII armor. Private to src/age; age.cpp puts
// the keys in. Every parser is strict as the spec and the C2SP vectors require (canonical
// base64, LF line ends, 64-column lines) and bounded (k_max_header_size, k_max_stanzas).
// Pure functions, any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace plumb::age::format {

inline constexpr std::string_view k_version_line = "age-encryption.org/v1";
inline constexpr std::string_view k_armor_begin = "-----BEGIN AGE ENCRYPTED FILE-----";
inline constexpr std::string_view k_armor_end = "-----END AGE ENCRYPTED FILE-----";
// A header larger than this, or with more stanzas, is refused before any key is tried: a
// real file has a few stanzas (a post-quantum one is ~1.6 KB).
inline constexpr size_t k_max_header_size = 1 << 20;
inline constexpr size_t k_max_stanzas = 1024;
inline constexpr size_t k_nonce_size = 16;

struct Stanza {
  std::string type;               // the first argument ("X25519", "scrypt", ...)
  std::vector<std::string> args;  // the arguments after the type
  std::string body;               // decoded
};

struct Header {
  std::vector<Stanza> stanzas;
  std::string_view mac_input;  // the header bytes the MAC covers: up to and including "---"
  std::string mac;             // 32 bytes
  std::string_view nonce;      // the payload nonce (16 bytes)
  std::string_view payload;    // the STREAM chunks after the nonce
};

// Parses a binary age file's header and splits off the nonce and payload. The views point
// into `file`. A missing or short nonce is a header error, as the C2SP vectors classify it.
Result<Header> parse_header(std::string_view file);

// The header text up to and including "---" (what the MAC covers); the caller appends
// " " + base64 MAC + "\n".
std::string header_without_mac(const std::vector<Stanza>& stanzas);

// Unpadded standard base64 as age writes it in headers; nothing unless canonical (no
// padding, no whitespace, unused low bits zero).
std::optional<std::string> decode_base64_raw(std::string_view text);
std::string encode_base64_raw(std::string_view bytes);

// Whether `file` is to be read as ASCII armor: it does not start with the binary version
// line's "age-encryption.org/" and holds more than whitespace.
bool looks_armored(std::string_view file);

// The binary file inside the armor: whitespace allowed around it, LF or CRLF line ends,
// padded canonical base64 in lines of 64 columns, the last line 1..64 columns, no empty
// lines, no headers, nothing but whitespace after the END line.
Result<std::string> dearmor(std::string_view text);
std::string armor(std::string_view binary);

}  // namespace plumb::age::format

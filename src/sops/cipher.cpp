#include "sops/cipher.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <cmath>
#include <memory>
#include <optional>

#include "core/base64.hpp"

namespace plumb::sops {

DataKey::DataKey(std::span<const uint8_t, 32> bytes) {
  std::copy(bytes.begin(), bytes.end(), m_bytes.begin());
}

DataKey& DataKey::operator=(const DataKey& other) {
  m_bytes = other.m_bytes;
  return *this;
}

DataKey::~DataKey() {
  OPENSSL_cleanse(m_bytes.data(), m_bytes.size());
}

namespace {

constexpr std::string_view k_prefix = "ENC[AES256_GCM,data:";

struct Envelope {
  std::string_view data, iv, tag, type;
};

// sops matches ^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\] with greedy groups
// and `.` not matching a newline; searching the separators from the right is the same.
std::optional<Envelope> split_envelope(std::string_view text) {
  if (!text.starts_with(k_prefix)) return std::nullopt;
  size_t end = text.rfind(']');
  if (end == std::string_view::npos || end < k_prefix.size()) return std::nullopt;
  std::string_view body = text.substr(k_prefix.size(), end - k_prefix.size());
  if (body.find('\n') != std::string_view::npos) return std::nullopt;
  size_t type_at = body.rfind(",type:");
  if (type_at == std::string_view::npos) return std::nullopt;
  size_t tag_at = body.rfind(",tag:", type_at);
  if (tag_at == std::string_view::npos) return std::nullopt;
  size_t iv_at = body.rfind(",iv:", tag_at);
  if (iv_at == std::string_view::npos) return std::nullopt;
  Envelope e;
  e.data = body.substr(0, iv_at);
  e.iv = body.substr(iv_at + 4, tag_at - iv_at - 4);
  e.tag = body.substr(tag_at + 5, type_at - tag_at - 5);
  e.type = body.substr(type_at + 6);
  if (e.data.empty() || e.iv.empty() || e.tag.empty() || e.type.empty()) return std::nullopt;
  return e;
}

std::optional<ValueType> parse_type(std::string_view name) {
  if (name == "str") return ValueType::str;
  if (name == "int") return ValueType::int_;
  if (name == "float") return ValueType::float_;
  if (name == "bool") return ValueType::bool_;
  if (name == "bytes") return ValueType::bytes;
  if (name == "time") return ValueType::time;
  if (name == "comment") return ValueType::comment;
  return std::nullopt;
}

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};

// AES-256-GCM open; the plaintext buffer is wiped by the caller's ClearString.
Result<std::string> gcm_open(const DataKey& key, const std::string& iv, const std::string& data,
                             std::string& tag, std::string_view additional_data) {
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return fail("out of memory");
  if (tag.size() != 16) return fail("authentication tag is not 16 bytes");
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()),
                          nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(),
                         reinterpret_cast<const unsigned char*>(iv.data())) != 1)
    return fail("cannot set up AES-GCM");
  int len = 0;
  if (!additional_data.empty() &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(additional_data.data()),
                        static_cast<int>(additional_data.size())) != 1)
    return fail("cannot set up AES-GCM");
  std::string out(data.size(), '\0');
  int out_len = 0;
  if (!data.empty() &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &out_len,
                        reinterpret_cast<const unsigned char*>(data.data()),
                        static_cast<int>(data.size())) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return fail("could not decrypt with AES_GCM");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data()) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return fail("could not decrypt with AES_GCM");
  }
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + out_len,
                          &final_len) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return fail("could not decrypt with AES_GCM: authentication failed");
  }
  out.resize(static_cast<size_t>(out_len + final_len));
  return out;
}

// Go's strconv.ParseBool.
std::optional<bool> parse_go_bool(std::string_view t) {
  if (t == "1" || t == "t" || t == "T" || t == "TRUE" || t == "true" || t == "True") return true;
  if (t == "0" || t == "f" || t == "F" || t == "FALSE" || t == "false" || t == "False")
    return false;
  return std::nullopt;
}

// Go's strconv.Atoi (base 10, optional sign, int64 range).
std::optional<int64_t> parse_go_int(std::string_view t) {
  if (t.starts_with('+')) t.remove_prefix(1);
  if (t.empty() || t.starts_with('+')) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size()) return std::nullopt;
  return v;
}

// Go's strconv.ParseFloat(s, 64) for decimal text and Inf/NaN spellings.
std::optional<double> parse_go_float(std::string_view t) {
  std::string_view body = t;
  bool negative = false;
  if (body.starts_with('+') || body.starts_with('-')) {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  std::string lower;
  for (char c : body)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf" || lower == "infinity") return negative ? -INFINITY : INFINITY;
  if (lower == "nan") return NAN;
  if (body.empty() || body.starts_with('+') || body.starts_with('-')) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ptr != body.data() + body.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Go returns ±Inf or 0 with an error; sops fails on it.
    return std::nullopt;
  }
  if (ec != std::errc()) return std::nullopt;
  return negative ? -v : v;
}

}  // namespace

bool looks_encrypted(std::string_view text) {
  return split_envelope(text).has_value();
}

Result<ClearValue> decrypt_value(std::string_view envelope, const DataKey& key,
                                 std::string_view additional_data) {
  if (envelope.empty()) return ClearValue{Node::string(""), ValueType::str, {}};
  auto parts = split_envelope(envelope);
  if (!parts) return fail("value does not match sops' data format");
  auto type = parse_type(parts->type);
  auto data = base64_decode(parts->data);
  auto iv = base64_decode(parts->iv);
  auto tag = base64_decode(parts->tag);
  if (!data || !iv || !tag) return fail("value's data, iv or tag is not valid base64");
  if (iv->empty()) return fail("value has an empty iv");
  auto plain = TRY(gcm_open(key, *iv, *data, *tag, additional_data));
  struct Wipe {
    std::string& s;
    ~Wipe() { OPENSSL_cleanse(s.data(), s.size()); }
  } wipe{plain};
  if (!type) return fail("unknown datatype ", parts->type.substr(0, 16));
  switch (*type) {
    case ValueType::str:
    case ValueType::bytes:
    case ValueType::time:
    case ValueType::comment:
      return ClearValue{Node::string(plain), *type, *iv};
    case ValueType::int_: {
      auto v = parse_go_int(plain);
      if (!v) return fail("decrypted value of type int is not an integer");
      return ClearValue{Node::integer(*v), *type, *iv};
    }
    case ValueType::float_: {
      auto v = parse_go_float(plain);
      if (!v) return fail("decrypted value of type float is not a number");
      return ClearValue{Node::floating(*v), *type, *iv};
    }
    case ValueType::bool_: {
      auto v = parse_go_bool(plain);
      if (!v) return fail("decrypted value of type bool is not a boolean");
      return ClearValue{Node::boolean(*v), *type, *iv};
    }
  }
  return fail("unknown datatype");
}

namespace {

// AES-256-GCM seal of plain bytes into the envelope with the given type name.
Result<std::string> seal(std::string_view plain, std::string_view type, const DataKey& key,
                         std::string_view additional_data, std::string_view given_iv = {}) {
  unsigned char iv[32];
  if (given_iv.size() == sizeof iv)
    std::copy(given_iv.begin(), given_iv.end(), iv);
  else if (RAND_bytes(iv, sizeof iv) != 1)
    return fail("no random bytes for an IV");
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return fail("out of memory");
  int len = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, sizeof iv, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), iv) != 1)
    return fail("cannot set up AES-GCM");
  if (!additional_data.empty() &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(additional_data.data()),
                        static_cast<int>(additional_data.size())) != 1)
    return fail("cannot set up AES-GCM");
  std::string data(plain.size(), '\0');
  int out_len = 0;
  if (!plain.empty() &&
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(data.data()), &out_len,
                        reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) != 1)
    return fail("could not encrypt with AES_GCM");
  int final_len = 0;
  unsigned char tag[16];
  if (EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(data.data()) + out_len,
                          &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, sizeof tag, tag) != 1)
    return fail("could not encrypt with AES_GCM");
  data.resize(static_cast<size_t>(out_len + final_len));
  std::string out(k_prefix);
  out += base64_encode(data);
  out += ",iv:";
  out += base64_encode(std::string_view(reinterpret_cast<const char*>(iv), sizeof iv));
  out += ",tag:";
  out += base64_encode(std::string_view(reinterpret_cast<const char*>(tag), sizeof tag));
  out += ",type:";
  out += type;
  out += ']';
  return out;
}

}  // namespace

Result<std::string> encrypt_value(const Node& value, const DataKey& key,
                                  std::string_view additional_data, std::string_view iv) {
  std::string_view type;
  switch (value.type()) {
    case Node::Type::string:
      if (value.as_string().empty()) return std::string();
      type = "str";
      break;
    case Node::Type::integer:
      type = "int";
      break;
    case Node::Type::floating:
      type = "float";
      break;
    case Node::Type::boolean:
      type = "bool";
      break;
    default:
      return fail("only strings, numbers and booleans are encrypted");
  }
  std::string plain = mac_bytes(value);
  auto sealed = seal(plain, type, key, additional_data, iv);
  OPENSSL_cleanse(plain.data(), plain.size());
  return sealed;
}

Result<std::string> encrypt_comment(std::string_view text, const DataKey& key,
                                    std::string_view additional_data) {
  if (text.empty()) return std::string();
  return seal(text, "comment", key, additional_data);
}

Result<DataKey> generate_data_key() {
  std::array<uint8_t, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    return fail("no random bytes for a data key");
  DataKey key{std::span<const uint8_t, 32>(bytes)};
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

std::string mac_bytes(const Node& value) {
  switch (value.type()) {
    case Node::Type::string:
      return std::string(value.as_string());
    case Node::Type::integer:
      return std::to_string(value.as_int());
    case Node::Type::boolean:
      return value.as_bool() ? "True" : "False";
    case Node::Type::floating: {
      double d = value.as_float();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
      char buf[400];
      auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
      if (ec != std::errc()) return "";
      return std::string(buf, ptr);
    }
    default:
      return "";
  }
}

}  // namespace plumb::sops

// sprig's encoding, hashing, random and crypto functions (crypto.go, strings.go of sprig v3):
// b64*/b32* with Go's encoding/base64 and base32 errors, sha*sum/adler32sum, the random
// strings of goutils, uuidv4, shuffle, randBytes, encryptAES/decryptAES, derivePassword
// (Master Password over scrypt), bcrypt/htpasswd (bcrypt from libxcrypt).

// SHA1_Init & co. are deprecated in OpenSSL 3 in favour of EVP_Digest, but EVP's first call
// initialises the library and its providers: ~6M instructions, more than rendering a small chart
// that puts one sha256sum in a checksum annotation. The low-level functions compute the same
// digests with the same assembly and no initialisation.
#define OPENSSL_SUPPRESS_DEPRECATED

#include <crypt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "core/base64.hpp"
#include "gotemplate/strconv.hpp"
#include "sprig/go_text.hpp"
#include "sprig/sprig_groups.hpp"

namespace plumb::sprig {

namespace {

using gotemplate::CallContext;

Value str(std::string s) {
  return Value::string(s);
}

// Go's base64.StdEncoding.DecodeString: the decoded bytes, or the CorruptInputError offset.
struct Decoded {
  std::string bytes;
  int64_t error_at = -1;
};

int8_t b64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return static_cast<int8_t>(c - 'A');
  if (c >= 'a' && c <= 'z') return static_cast<int8_t>(c - 'a' + 26);
  if (c >= '0' && c <= '9') return static_cast<int8_t>(c - '0' + 52);
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

Decoded go_b64_decode(std::string_view src) {
  Decoded out;
  size_t si = 0;
  auto corrupt = [&](size_t at) {
    out.error_at = static_cast<int64_t>(at);
    return out;
  };
  while (si < src.size()) {
    std::array<uint8_t, 4> dbuf{};
    size_t dlen = 4;
    bool trailing_garbage = false;
    size_t garbage_at = 0;
    for (size_t j = 0; j < 4; ++j) {
      if (si == src.size()) {
        if (j == 0) return out;
        return corrupt(si - j);
      }
      auto in = static_cast<unsigned char>(src[si]);
      ++si;
      int8_t v = b64_value(in);
      if (v >= 0) {
        dbuf[j] = static_cast<uint8_t>(v);
        continue;
      }
      if (in == '\n' || in == '\r') {
        --j;
        continue;
      }
      if (in != '=') return corrupt(si - 1);
      if (j < 2) return corrupt(si - 1);
      if (j == 2) {
        while (si < src.size() && (src[si] == '\n' || src[si] == '\r'))
          ++si;
        if (si == src.size()) return corrupt(src.size());
        if (src[si] != '=') return corrupt(si - 1);
        ++si;
      }
      while (si < src.size() && (src[si] == '\n' || src[si] == '\r'))
        ++si;
      if (si < src.size()) {
        trailing_garbage = true;
        garbage_at = si;
      }
      dlen = j;
      break;
    }
    uint32_t val = static_cast<uint32_t>(dbuf[0]) << 18 | static_cast<uint32_t>(dbuf[1]) << 12 |
                   static_cast<uint32_t>(dbuf[2]) << 6 | dbuf[3];
    const std::array<char, 3> bytes{static_cast<char>(val >> 16), static_cast<char>(val >> 8),
                                    static_cast<char>(val)};
    out.bytes.append(bytes.data(), dlen - 1);
    if (trailing_garbage) return corrupt(garbage_at);
  }
  return out;
}

constexpr std::string_view k_b32_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string go_b32_encode(std::string_view src) {
  std::string out;
  for (size_t i = 0; i < src.size(); i += 5) {
    std::array<uint8_t, 5> b{};
    size_t n = std::min<size_t>(5, src.size() - i);
    for (size_t k = 0; k < n; ++k)
      b[k] = static_cast<uint8_t>(src[i + k]);
    uint64_t v = 0;
    for (uint8_t x : b)
      v = v << 8 | x;
    static constexpr std::array<size_t, 6> chars{0, 2, 4, 5, 7, 8};
    size_t used = chars[n];
    for (size_t k = 0; k < 8; ++k) {
      if (k < used) {
        out.push_back(k_b32_alphabet[(v >> (35 - 5 * k)) & 31]);
      } else {
        out.push_back('=');
      }
    }
  }
  return out;
}

// Go's base32.StdEncoding.DecodeString (newlines removed first).
Decoded go_b32_decode(std::string_view text) {
  std::string stripped;
  for (char c : text)
    if (c != '\n' && c != '\r') stripped.push_back(c);
  std::string_view src = stripped;
  Decoded out;
  size_t olen = src.size();
  bool end = false;
  auto corrupt = [&](size_t at) {
    out.error_at = static_cast<int64_t>(at);
    return out;
  };
  while (!src.empty() && !end) {
    std::array<uint8_t, 8> dbuf{};
    size_t dlen = 8;
    for (size_t j = 0; j < 8;) {
      if (src.empty()) return corrupt(olen - src.size() - j);
      char in = src[0];
      src.remove_prefix(1);
      if (in == '=' && j >= 2 && src.size() < 8) {
        if (src.size() + j < 8 - 1) return corrupt(olen);
        for (size_t k = 0; k < 8 - 1 - j; ++k) {
          if (src.size() > k && src[k] != '=') return corrupt(olen - src.size() + k - 1);
        }
        dlen = j;
        end = true;
        if (dlen == 1 || dlen == 3 || dlen == 6) return corrupt(olen - src.size() - 1);
        break;
      }
      size_t v = k_b32_alphabet.find(in);
      if (v == std::string_view::npos) return corrupt(olen - src.size() - 1);
      dbuf[j] = static_cast<uint8_t>(v);
      ++j;
    }
    std::array<uint8_t, 5> d{};
    d[4] = static_cast<uint8_t>(dbuf[6] << 5 | dbuf[7]);
    d[3] = static_cast<uint8_t>(dbuf[4] << 7 | dbuf[5] << 2 | dbuf[6] >> 3);
    d[2] = static_cast<uint8_t>(dbuf[3] << 4 | dbuf[4] >> 1);
    d[1] = static_cast<uint8_t>(dbuf[1] << 6 | dbuf[2] << 1 | dbuf[3] >> 4);
    d[0] = static_cast<uint8_t>(dbuf[0] << 3 | dbuf[1] >> 2);
    size_t n = 0;
    switch (dlen) {
      case 8:
        n = 5;
        break;
      case 7:
        n = 4;
        break;
      case 5:
        n = 3;
        break;
      case 4:
        n = 2;
        break;
      case 2:
        n = 1;
        break;
      default:
        n = 0;
        break;
    }
    out.bytes.append(reinterpret_cast<const char*>(d.data()), n);
  }
  return out;
}

std::string hex(const unsigned char* data, size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 15]);
  }
  return out;
}

// Init, Update and Final of one of OpenSSL's low-level digests (SHA1_*, SHA256_*, SHA512_*).
template <typename Context, size_t Size>
std::string digest_hex(int (*init)(Context*), int (*update)(Context*, const void*, size_t),
                       int (*final)(unsigned char*, Context*), std::string_view s) {
  Context context;
  std::array<unsigned char, Size> out{};
  init(&context);
  update(&context, s.data(), s.size());
  final(out.data(), &context);
  return hex(out.data(), out.size());
}

uint32_t adler32(std::string_view s) {
  uint32_t a = 1, b = 0;
  for (char c : s) {
    a = (a + static_cast<unsigned char>(c)) % 65521;
    b = (b + a) % 65521;
  }
  return b << 16 | a;
}

// The kernel's CSPRNG, as Go's crypto/rand reads it (RAND_bytes' first call would set up
// OpenSSL's DRBG: ~9M instructions, for the 10-character password a chart generates).
std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  for (size_t done = 0; done < n;) {
    ssize_t got = getrandom(out.data() + done, n - done, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) throw std::runtime_error("getrandom failed");
    done += static_cast<size_t>(got);
  }
  return out;
}

// A uniformly random index below n (n > 0).
size_t random_below(size_t n) {
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  for (;;) {
    uint64_t v = 0;
    std::string b = random_bytes(8);
    std::memcpy(&v, b.data(), 8);
    if (v < limit) return static_cast<size_t>(v % n);
  }
}

std::string random_from(int64_t count, std::string_view chars) {
  std::string out;
  for (int64_t i = 0; i < count; ++i)
    out.push_back(chars[random_below(chars.size())]);
  return out;
}

constexpr std::string_view k_letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view k_digits = "0123456789";

std::string ascii_printable() {
  std::string s;
  for (char c = 32; c <= 126; ++c)
    s.push_back(c);
  return s;
}

std::string uuidv4() {
  std::string b = random_bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3F) | 0x80);
  std::string h = hex(reinterpret_cast<const unsigned char*>(b.data()), 16);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string shuffle(std::string_view s) {
  std::vector<int32_t> runes = to_runes(s);
  for (size_t i = runes.size(); i > 1; --i)
    std::swap(runes[i - 1], runes[random_below(i)]);
  return from_runes(runes);
}

Result<std::string> aes_cbc(std::string_view password, std::string_view iv, std::string_view in,
                            bool encrypt) {
  std::array<unsigned char, 32> key{};
  std::memcpy(key.data(), password.data(), std::min<size_t>(32, password.size()));
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
  std::string out(in.size() + 32, '\0');
  int n = 0, m = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  const auto* i = reinterpret_cast<const unsigned char*>(in.data());
  const auto* v = reinterpret_cast<const unsigned char*>(iv.data());
  bool ok = encrypt ? EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key.data(), v)
                    : EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key.data(), v);
  ok = ok && EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  ok = ok && (encrypt ? EVP_EncryptUpdate(ctx.get(), o, &n, i, static_cast<int>(in.size()))
                      : EVP_DecryptUpdate(ctx.get(), o, &n, i, static_cast<int>(in.size())));
  ok = ok && (encrypt ? EVP_EncryptFinal_ex(ctx.get(), o + n, &m)
                      : EVP_DecryptFinal_ex(ctx.get(), o + n, &m));
  if (!ok) return fail("crypto/cipher: AES failed");
  out.resize(static_cast<size_t>(n + m));
  return out;
}

Result<Value> encrypt_aes(std::string_view password, std::string_view plaintext) {
  if (plaintext.empty()) return str("");
  std::string content(plaintext);
  size_t padding = 16 - content.size() % 16;
  content.append(padding, static_cast<char>(padding));
  std::string iv = random_bytes(16);
  std::string cipher = TRY(aes_cbc(password, iv, content, true));
  return str(base64_encode(iv + cipher));
}

Result<Value> decrypt_aes(std::string_view password, std::string_view crypt64) {
  if (crypt64.empty()) return str("");
  Decoded crypt = go_b64_decode(crypt64);
  if (crypt.error_at >= 0)
    return fail("illegal base64 data at input byte ", std::to_string(crypt.error_at));
  std::string_view data = crypt.bytes;
  if (data.size() < 16) {
    return fail("runtime error: slice bounds out of range [:16] with capacity ",
                std::to_string(data.size()));
  }
  std::string_view iv = data.substr(0, 16);
  data.remove_prefix(16);
  if (data.size() % 16 != 0) return fail("crypto/cipher: input not full blocks");
  if (data.empty()) return fail("runtime error: index out of range [-1]");
  std::string plain = TRY(aes_cbc(password, iv, data, false));
  auto pad = static_cast<unsigned char>(plain.back());
  if (pad > plain.size()) {
    return fail("runtime error: slice bounds out of range [:",
                std::to_string(static_cast<int64_t>(plain.size()) - pad), "]");
  }
  plain.resize(plain.size() - pad);
  return str(plain);
}

std::string_view template_characters(char c) {
  switch (c) {
    case 'V':
      return "AEIOU";
    case 'C':
      return "BCDFGHJKLMNPQRSTVWXYZ";
    case 'v':
      return "aeiou";
    case 'c':
      return "bcdfghjklmnpqrstvwxyz";
    case 'A':
      return "AEIOUBCDFGHJKLMNPQRSTVWXYZ";
    case 'a':
      return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
    case 'n':
      return "0123456789";
    case 'o':
      return "@&%?,=[]_:-+*$#!'^~;()/.";
    case 'x':
      return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()";
    default:
      return "";
  }
}

std::vector<std::string_view> password_templates(std::string_view type) {
  if (type == "maximum") return {"anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"};
  if (type == "long") {
    return {"CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv", "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno", "CvcvnoCvcvCvcc", "CvcvCvcvnoCvcc", "CvcvCvcvCvccno",
            "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno", "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
            "CvccCvcvCvccno"};
  }
  if (type == "medium") return {"CvcnoCvc", "CvcCvcno"};
  if (type == "short") return {"Cvcn"};
  if (type == "basic") return {"aaanaaan", "aannaaan", "aaannaaa"};
  if (type == "pin") return {"nnnn"};
  return {};
}

void append_be32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

// Master Password's algorithm, as sprig's derivePassword runs it.
std::string derive_password(uint32_t counter, std::string_view type, std::string_view password,
                            std::string_view user, std::string_view site) {
  auto templates = password_templates(type);
  if (templates.empty()) return "cannot find password template " + std::string(type);
  const std::string seed_name = "com.lyndir.masterpassword";
  std::string salt = seed_name;
  append_be32(salt, static_cast<uint32_t>(user.size()));
  salt += user;
  std::array<unsigned char, 64> key{};
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), 32768, 8, 2,
                     512ull * 1024 * 1024, key.data(), key.size()) != 1) {
    return "failed to derive password: scrypt failed";
  }
  std::string message = seed_name;
  append_be32(message, static_cast<uint32_t>(site.size()));
  message += site;
  append_be32(message, counter);
  std::array<unsigned char, EVP_MAX_MD_SIZE> seed{};
  unsigned int seed_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), seed.data(),
       &seed_len);
  std::string_view temp = templates[seed[0] % templates.size()];
  std::string out;
  for (size_t i = 0; i < temp.size(); ++i) {
    std::string_view chars = template_characters(temp[i]);
    out.push_back(chars[seed[i + 1] % chars.size()]);
  }
  return out;
}

// golang.org/x/crypto/bcrypt.GenerateFromPassword(input, 10): "$2a$10$...".
std::string bcrypt(std::string_view input) {
  if (input.size() > 72) {
    return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes";
  }
  std::string salt_bytes = random_bytes(16);
  std::array<char, CRYPT_GENSALT_OUTPUT_SIZE> setting{};
  if (crypt_gensalt_rn("$2a$", 10, salt_bytes.data(), static_cast<int>(salt_bytes.size()),
                       setting.data(), static_cast<int>(setting.size())) == nullptr) {
    return "failed to encrypt string with bcrypt: crypt_gensalt failed";
  }
  crypt_data data{};
  std::string pw(input);
  const char* hash = crypt_r(pw.c_str(), setting.data(), &data);
  if (hash == nullptr || hash[0] == '*')
    return "failed to encrypt string with bcrypt: crypt failed";
  return hash;
}

}  // namespace

void add_encoding_functions(gotemplate::FuncMap& f) {
  using P = Param;
  define(f, "b64enc", {P::string}, [](CallContext&, Args a) -> Result<Value> {
    return str(base64_encode(a[0].as_string()));
  });
  define(f, "b64dec", {P::string}, [](CallContext&, Args a) -> Result<Value> {
    Decoded d = go_b64_decode(a[0].as_string());
    if (d.error_at >= 0)
      return str("illegal base64 data at input byte " + std::to_string(d.error_at));
    return str(d.bytes);
  });
  define(f, "b32enc", {P::string}, [](CallContext&, Args a) -> Result<Value> {
    return str(go_b32_encode(a[0].as_string()));
  });
  define(f, "b32dec", {P::string}, [](CallContext&, Args a) -> Result<Value> {
    Decoded d = go_b32_decode(a[0].as_string());
    if (d.error_at >= 0)
      return str("illegal base32 data at input byte " + std::to_string(d.error_at));
    return str(d.bytes);
  });
  define(f, "sha1sum", {P::string}, [](CallContext&, Args a) -> Result<Value> {
    return str(digest_hex<SHA_CTX, SHA_DIGEST_LENGTH>(SHA1_Init, SHA1_Update, SHA1_Final,
                                                      a[0].as_string()));
  });
  define(f, "sha256sum", {P::string}, [](CallContext&, Args a) -> Result<Value> {
    return str(digest_hex<SHA256_CTX, SHA256_DIGEST_LENGTH>(SHA256_Init, SHA256_Update,
                                                            SHA256_Final, a[0].as_string()));
  });
  define(f, "sha512sum", {P::string}, [](CallContext&, Args a) -> Result<Value> {
    return str(digest_hex<SHA512_CTX, SHA512_DIGEST_LENGTH>(SHA512_Init, SHA512_Update,
                                                            SHA512_Final, a[0].as_string()));
  });
  define(f, "adler32sum", {P::string}, [](CallContext&, Args a) -> Result<Value> {
    return str(std::to_string(adler32(a[0].as_string())));
  });

  auto random_string = [&f](const char* name, std::string chars) {
    define(f, name, {P::int_}, [chars](CallContext&, Args a) -> Result<Value> {
      int64_t count = a[0].as_int();
      if (count <= 0) return str("");
      return str(random_from(count, chars));
    });
  };
  random_string("randAlphaNum", std::string(k_letters) + std::string(k_digits));
  random_string("randAlpha", std::string(k_letters));
  random_string("randNumeric", std::string(k_digits));
  random_string("randAscii", ascii_printable());
  define(f, "randBytes", {P::int_}, [](CallContext&, Args a) -> Result<Value> {
    if (a[0].as_int() < 0) return fail("runtime error: makeslice: len out of range");
    return str(base64_encode(random_bytes(static_cast<size_t>(a[0].as_int()))));
  });
  define(f, "uuidv4", {}, [](CallContext&, Args) -> Result<Value> { return str(uuidv4()); });
  define(f, "shuffle", {P::string},
         [](CallContext&, Args a) -> Result<Value> { return str(shuffle(a[0].as_string())); });
  define(f, "encryptAES", {P::string, P::string}, [](CallContext&, Args a) -> Result<Value> {
    return encrypt_aes(a[0].as_string(), a[1].as_string());
  });
  define(f, "decryptAES", {P::string, P::string}, [](CallContext&, Args a) -> Result<Value> {
    return decrypt_aes(a[0].as_string(), a[1].as_string());
  });
  define(f, "derivePassword", {P::int_, P::string, P::string, P::string, P::string},
         [](CallContext&, Args a) -> Result<Value> {
           return str(derive_password(static_cast<uint32_t>(a[0].as_int()), a[1].as_string(),
                                      a[2].as_string(), a[3].as_string(), a[4].as_string()));
         });
  define(f, "bcrypt", {P::string},
         [](CallContext&, Args a) -> Result<Value> { return str(bcrypt(a[0].as_string())); });
  define(f, "htpasswd", {P::string, P::string}, [](CallContext&, Args a) -> Result<Value> {
    std::string_view user = a[0].as_string();
    if (user.find(':') != std::string_view::npos)
      return str("invalid username: " + std::string(user));
    return str(std::string(user) + ":" + bcrypt(a[1].as_string()));
  });
  define(f, "hello", {}, [](CallContext&, Args) -> Result<Value> { return str("Hello!"); });
}

}  // namespace plumb::sprig

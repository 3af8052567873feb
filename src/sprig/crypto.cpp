// sprig's key and certificate functions (crypto.go of sprig v3): genPrivateKey (rsa 4096,
// dsa L2048N256, ecdsa P-256, ed25519, in Go's PEM forms), genCA, genSelfSignedCert,
// genSignedCert and their WithKey forms, buildCustomCert — certificates built as Go's
// x509.CreateCertificate builds sprig's template (v3, 128-bit random serial, CN-only
// subject, KeyUsage critical, ExtKeyUsage serverAuth+clientAuth, BasicConstraints critical,
// SubjectKeyId for CAs, AuthorityKeyId from the signer's, SANs DNS then IP). The result is a
// sprig.certificate object with fields Cert and Key. OpenSSL does the cryptography.
#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "core/base64.hpp"
#include "gotemplate/fmt.hpp"
#include "sprig/go_text.hpp"
#include "sprig/sprig_groups.hpp"

namespace plumb::sprig {

namespace {

using gotemplate::CallContext;

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using PKeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;

class Certificate : public gotemplate::Object {
 public:
  Certificate(std::string cert, std::string key) : m_cert(std::move(cert)), m_key(std::move(key)) {}
  std::string type_name() const override { return "sprig.certificate"; }
  std::optional<Value> field(std::string_view name) const override {
    if (name == "Cert") return Value::string(m_cert);
    if (name == "Key") return Value::string(m_key);
    return std::nullopt;
  }
  void format(std::string& out) const override { out += "{" + m_cert + " " + m_key + "}"; }
  Node to_node() const override {
    Node n = Node::map();
    n.set("Cert", Node::string(m_cert));
    n.set("Key", Node::string(m_key));
    return n;
  }
  const std::string& cert() const { return m_cert; }
  const std::string& key() const { return m_key; }

 private:
  std::string m_cert, m_key;
};

Value certificate_value(std::string cert, std::string key) {
  return Value::object(std::make_shared<Certificate>(std::move(cert), std::move(key)));
}

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

PKey generate_key(std::string_view type) {
  if (type == "rsa" || type.empty())
    return PKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{4096}));
  if (type == "rsa2048") return PKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
  if (type == "ecdsa") return PKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (type == "ed25519") return PKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (type == "dsa") {
    PKeyCtx pctx(EVP_PKEY_CTX_new_from_name(nullptr, "DSA", nullptr));
    EVP_PKEY* params = nullptr;
    if (!pctx || EVP_PKEY_paramgen_init(pctx.get()) <= 0 ||
        EVP_PKEY_CTX_set_dsa_paramgen_bits(pctx.get(), 2048) <= 0 ||
        EVP_PKEY_CTX_set_dsa_paramgen_q_bits(pctx.get(), 256) <= 0 ||
        EVP_PKEY_paramgen(pctx.get(), &params) <= 0)
      return nullptr;
    PKey param_key(params);
    PKeyCtx kctx(EVP_PKEY_CTX_new_from_pkey(nullptr, params, nullptr));
    EVP_PKEY* key = nullptr;
    if (!kctx || EVP_PKEY_keygen_init(kctx.get()) <= 0 || EVP_PKEY_keygen(kctx.get(), &key) <= 0)
      return nullptr;
    return PKey(key);
  }
  return nullptr;
}

// Go's pemBlockForKey: PKCS#1 for RSA, SEC1 for EC, the DSA sequence for DSA, PKCS#8 else.
std::string key_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_RSA || id == EVP_PKEY_EC || id == EVP_PKEY_DSA) {
    PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  return bio_string(bio.get());
}

// sprig's parsePrivateKeyPEM.
Result<PKey> parse_key_pem(std::string_view pem) {
  size_t begin = pem.find("-----BEGIN ");
  size_t type_end = begin == std::string_view::npos ? begin : pem.find("-----", begin + 11);
  if (begin == std::string_view::npos || type_end == std::string_view::npos)
    return fail("no PEM data in input");
  std::string type(pem.substr(begin + 11, type_end - begin - 11));
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (type == "PRIVATE KEY") {
    if (key == nullptr) return fail("decoding PEM as PKCS#8: asn1: structure error");
    return PKey(key);
  }
  if (!type.ends_with(" PRIVATE KEY"))
    return fail("no private key data in PEM block of type ", type);
  std::string kind = type.substr(0, type.size() - 12);
  if (kind != "RSA" && kind != "EC" && kind != "DSA") {
    if (key) EVP_PKEY_free(key);
    return fail("invalid private key type ", type);
  }
  if (key == nullptr) return fail("parsing ", kind, " private key from PEM: asn1: structure error");
  return PKey(key);
}

Result<std::vector<std::string>> string_items(const Value& list, const char* what) {
  std::vector<std::string> out;
  for (const Value& item : list.items()) {
    if (!item.is_string()) {
      std::string v;
      gotemplate::append_value(v, item);
      return fail(what, v, " is not a string");
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

bool add_ext(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

struct Signer {
  X509* cert = nullptr;  // null: self-signed
  EVP_PKEY* key = nullptr;
};

// getBaseCertTemplate + getCertAndKey.
Result<Value> make_certificate(std::string_view cn, const Value& ips, const Value& dns,
                               int64_t days, bool is_ca, EVP_PKEY* key, Signer signer) {
  std::vector<std::string> ip_list = TRY(string_items(ips, "error parsing ip: "));
  std::vector<std::string> dns_list =
      TRY(string_items(dns, "error processing alternate dns name: "));
  std::string san;
  for (const auto& name : dns_list)
    san += (san.empty() ? "" : ",") + std::string("DNS:") + name;
  for (const auto& ip : ip_list) {
    unsigned char buf[16];
    if (inet_pton(AF_INET, ip.c_str(), buf) != 1 && inet_pton(AF_INET6, ip.c_str(), buf) != 1)
      return fail("error parsing ip: ", ip);
    san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  }
  int id = EVP_PKEY_get_base_id(key);
  EVP_PKEY* signing_key = signer.key ? signer.key : key;
  if (EVP_PKEY_get_base_id(signing_key) == EVP_PKEY_DSA)
    return fail(
        "error creating certificate: x509: certificate private key does not implement "
        "crypto.Signer");
  (void)id;

  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>> serial(BN_new());
  BN_rand(serial.get(), 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
  BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()));
  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (!cn.empty()) {
    // Go writes a PrintableString when every character allows it ('*' and '&' included,
    // as Go's isPrintable does), else a UTF8String.
    bool printable = true;
    for (char ch : cn) {
      bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                std::string_view(" '()+,-./:=?*&").find(ch) != std::string_view::npos;
      printable = printable && ok;
    }
    X509_NAME_add_entry_by_NID(
        subject, NID_commonName, printable ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING,
        reinterpret_cast<const unsigned char*>(cn.data()), static_cast<int>(cn.size()), -1, 0);
  }
  X509_set_issuer_name(cert.get(), signer.cert ? X509_get_subject_name(signer.cert) : subject);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_time_adj_ex(X509_getm_notAfter(cert.get()), static_cast<int>(days), 0, nullptr);
  X509_set_pubkey(cert.get(), key);

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, signer.cert ? signer.cert : cert.get(), cert.get(), nullptr, nullptr, 0);
  bool ok = add_ext(cert.get(), &ctx, NID_key_usage,
                    is_ca ? "critical,digitalSignature,keyEncipherment,keyCertSign"
                          : "critical,digitalSignature,keyEncipherment");
  ok = ok && add_ext(cert.get(), &ctx, NID_ext_key_usage, "serverAuth,clientAuth");
  ok = ok && add_ext(cert.get(), &ctx, NID_basic_constraints,
                     is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (is_ca) ok = ok && add_ext(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  if (signer.cert && X509_get0_subject_key_id(signer.cert) != nullptr)
    ok = ok && add_ext(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  if (!san.empty()) ok = ok && add_ext(cert.get(), &ctx, NID_subject_alt_name, san);
  if (!ok) return fail("error creating certificate: extensions");
  int sid = EVP_PKEY_get_base_id(signing_key);
  const EVP_MD* md = sid == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  if (X509_sign(cert.get(), signing_key, md) <= 0)
    return fail("error creating certificate: signing failed");
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert.get());
  return certificate_value(bio_string(bio.get()), key_pem(key));
}

Result<PKey> rsa2048() {
  PKey key = generate_key("rsa2048");
  if (!key) return fail("error generating rsa key: keygen failed");
  return key;
}

Result<PKey> key_from_pem(std::string_view pem) {
  auto key = parse_key_pem(pem);
  if (!key) return fail("parsing private key: ", key.error().message());
  return std::move(*key);
}

Result<Value> signed_cert(Args a, EVP_PKEY* key) {
  const auto* ca = dynamic_cast<const Certificate*>(a[4].object_ptr());
  if (ca == nullptr) {
    return fail("wrong type for value; expected sprig.certificate; got ", a[4].type_name());
  }
  Bio bio(BIO_new_mem_buf(ca->cert().data(), static_cast<int>(ca->cert().size())));
  Cert signer_cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!signer_cert) return fail("unable to decode certificate");
  auto signer_key = parse_key_pem(ca->key());
  if (!signer_key) return fail("error parsing private key: ", signer_key.error().message());
  return make_certificate(a[0].as_string(), a[1], a[2], a[3].as_int(), false, key,
                          Signer{signer_cert.get(), signer_key->get()});
}

}  // namespace

void add_crypto_functions(gotemplate::FuncMap& f) {
  using P = Param;
  define(f, "genPrivateKey", {P::string}, [](CallContext&, Args a) -> Result<Value> {
    std::string_view type = a[0].as_string();
    if (type != "" && type != "rsa" && type != "dsa" && type != "ecdsa" && type != "ed25519")
      return Value::string("Unknown type " + std::string(type));
    PKey key = generate_key(type);
    if (!key) return Value::string("failed to generate private key: keygen failed");
    return Value::string(key_pem(key.get()));
  });
  define(f, "genCA", {P::string, P::int_}, [](CallContext&, Args a) -> Result<Value> {
    PKey key = TRY(rsa2048());
    return make_certificate(a[0].as_string(), Value(), Value(), a[1].as_int(), true, key.get(), {});
  });
  define(f, "genCAWithKey", {P::string, P::int_, P::string},
         [](CallContext&, Args a) -> Result<Value> {
           PKey key = TRY(key_from_pem(a[2].as_string()));
           return make_certificate(a[0].as_string(), Value(), Value(), a[1].as_int(), true,
                                   key.get(), {});
         });
  define(f, "genSelfSignedCert", {P::string, P::list, P::list, P::int_},
         [](CallContext&, Args a) -> Result<Value> {
           PKey key = TRY(rsa2048());
           return make_certificate(a[0].as_string(), a[1], a[2], a[3].as_int(), false, key.get(),
                                   {});
         });
  define(f, "genSelfSignedCertWithKey", {P::string, P::list, P::list, P::int_, P::string},
         [](CallContext&, Args a) -> Result<Value> {
           PKey key = TRY(key_from_pem(a[4].as_string()));
           return make_certificate(a[0].as_string(), a[1], a[2], a[3].as_int(), false, key.get(),
                                   {});
         });
  define(f, "genSignedCert", {P::string, P::list, P::list, P::int_, P::any},
         [](CallContext&, Args a) -> Result<Value> {
           PKey key = TRY(rsa2048());
           return signed_cert(a, key.get());
         });
  define(f, "genSignedCertWithKey", {P::string, P::list, P::list, P::int_, P::any, P::string},
         [](CallContext&, Args a) -> Result<Value> {
           PKey key = TRY(key_from_pem(a[5].as_string()));
           return signed_cert(a, key.get());
         });
  define(f, "buildCustomCert", {P::string, P::string}, [](CallContext&, Args a) -> Result<Value> {
    auto cert = base64_decode(a[0].as_string());
    if (!cert) return fail("unable to decode base64 certificate");
    auto key = base64_decode(a[1].as_string());
    if (!key) return fail("unable to decode base64 private key");
    Bio bio(BIO_new_mem_buf(cert->data(), static_cast<int>(cert->size())));
    Cert parsed(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!parsed) return fail("unable to decode certificate");
    auto parsed_key = parse_key_pem(*key);
    if (!parsed_key) return fail("error parsing private key: ", parsed_key.error().message());
    return certificate_value(*cert, *key);
  });
}

}  // namespace plumb::sprig

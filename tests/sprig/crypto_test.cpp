// The certificates genCA, genSelfSignedCert and genSignedCert make, read back with OpenSSL:
// what Go's x509.CreateCertificate puts in sprig's template (helm can only show their shape,
// so these facts come from sprig's crypto.go and Go's x509 package).
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sprig/sprig.hpp"

namespace plumb::sprig {
namespace {

using gotemplate::Value;

// .ips is ["10.0.0.1"], .dns ["svc.ns", "svc"].
std::string render(const std::string& text) {
  auto funcs = std::make_shared<const gotemplate::FuncMap>(functions());
  gotemplate::TemplateSet set("t", funcs);
  EXPECT_TRUE(set.parse("t", text));
  auto dot = std::make_shared<gotemplate::ValueMap>();
  dot->set("ips", Value::list({Value::string("10.0.0.1").boxed_copy()}));
  dot->set("dns",
           Value::list({Value::string("svc.ns").boxed_copy(), Value::string("svc").boxed_copy()}));
  auto out = set.execute("t", Value::map(dot));
  EXPECT_TRUE(out) << (out ? "" : out.error().message());
  return out ? *out : "";
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using Cert = std::unique_ptr<X509, X509Free>;

Cert read_cert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  Cert cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

std::string cn(X509_NAME* name) {
  char buf[256] = {};
  X509_NAME_get_text_by_NID(name, NID_commonName, buf, sizeof buf);
  return buf;
}

TEST(SprigCrypto, CaAndSignedCertificate) {
  std::string out = render(
      R"({{ $ca := genCA "my-ca" 30 }}{{ $ca.Cert }}|{{ $c := genSignedCert "svc" .ips .dns 10 $ca }}{{ $c.Cert }})");
  size_t bar = out.find('|');
  ASSERT_NE(bar, std::string::npos);
  Cert ca = read_cert(out.substr(0, bar));
  Cert leaf = read_cert(out.substr(bar + 1));
  ASSERT_TRUE(ca);
  ASSERT_TRUE(leaf);

  EXPECT_EQ(X509_get_version(ca.get()), 2);
  EXPECT_EQ(cn(X509_get_subject_name(ca.get())), "my-ca");
  X509_NAME_ENTRY* entry = X509_NAME_get_entry(X509_get_subject_name(ca.get()), 0);
  EXPECT_EQ(ASN1_STRING_type(X509_NAME_ENTRY_get_data(entry)), V_ASN1_PRINTABLESTRING);
  EXPECT_EQ(cn(X509_get_issuer_name(ca.get())), "my-ca");
  EXPECT_TRUE(X509_check_ca(ca.get()));
  EXPECT_NE(X509_get0_subject_key_id(ca.get()), nullptr);
  EXPECT_EQ(X509_get_key_usage(ca.get()),
            static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT | KU_KEY_CERT_SIGN));
  EXPECT_EQ(X509_get_extended_key_usage(ca.get()),
            static_cast<uint32_t>(XKU_SSL_SERVER | XKU_SSL_CLIENT));
  int days = 0, secs = 0;
  ASSERT_EQ(
      ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(ca.get()), X509_get0_notAfter(ca.get())), 1);
  EXPECT_EQ(days, 30);
  EXPECT_EQ(secs, 0);

  EXPECT_EQ(cn(X509_get_subject_name(leaf.get())), "svc");
  EXPECT_EQ(cn(X509_get_issuer_name(leaf.get())), "my-ca");
  EXPECT_FALSE(X509_check_ca(leaf.get()));
  EXPECT_EQ(X509_get0_subject_key_id(leaf.get()), nullptr);
  const ASN1_OCTET_STRING* akid = X509_get0_authority_key_id(leaf.get());
  ASSERT_NE(akid, nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(akid, X509_get0_subject_key_id(ca.get())), 0);
  EXPECT_EQ(X509_check_host(leaf.get(), "svc.ns", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(leaf.get(), "10.0.0.1", 0), 1);
  EVP_PKEY* ca_key = X509_get0_pubkey(ca.get());
  EXPECT_EQ(X509_verify(leaf.get(), ca_key), 1);
  EXPECT_EQ(X509_verify(ca.get(), ca_key), 1);
}

// genCA makes its key when the certificate is first read: every later read, a copy of the
// value and the certificate it signs see that one certificate; two genCA calls differ.
TEST(SprigCrypto, CaIsMadeOnceWhenRead) {
  std::string out = render(
      R"({{ $ca := genCA "x" 1 }}{{ $copy := $ca }}{{ eq $ca.Cert $copy.Cert }} )"
      R"({{ eq $ca.Key $ca.Key }} {{ eq $ca.Cert (genCA "x" 1).Cert }} )"
      R"({{ eq (printf "%v" $ca) (printf "{%s %s}" $ca.Cert $ca.Key) }} )"
      R"({{ (genCA "unused" 1) | printf "%T" }} {{ $c := genSignedCert "s" .ips .dns 1 $ca }}ok)");
  EXPECT_EQ(out, "true true false true sprig.certificate ok");
  std::string pair = render(
      R"({{ $ca := genCA "ca" 1 }}{{ $c := genSignedCert "svc" .ips .dns 1 $ca }}{{ $ca.Cert }}|)"
      R"({{ $ca.Key }}|{{ $c.Cert }})");
  size_t first = pair.find('|'), second = pair.find('|', first + 1);
  ASSERT_NE(second, std::string::npos);
  Cert leaf = read_cert(pair.substr(second + 1));
  ASSERT_TRUE(leaf);
  std::string key_pem = pair.substr(first + 1, second - first - 1);
  BIO* bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* ca_key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(ca_key, nullptr);
  EXPECT_EQ(X509_verify(leaf.get(), ca_key), 1);  // signed by the key $ca.Key shows
  EVP_PKEY_free(ca_key);
}

TEST(SprigCrypto, RandomFunctionsDiffer) {
  std::string out =
      render(R"({{ randAlphaNum 32 }} {{ randAlphaNum 32 }} {{ uuidv4 }} {{ uuidv4 }})");
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t space = out.find(' ', start);
    parts.push_back(out.substr(start, space - start));
    if (space == std::string::npos) break;
    start = space + 1;
  }
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_NE(parts[0], parts[1]);
  EXPECT_NE(parts[2], parts[3]);
}

}  // namespace
}  // namespace plumb::sprig

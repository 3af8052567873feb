// Bitnami Sealed Secrets, the format and the keys (issue 21): sealing and unsealing one value
// exactly as the sealed-secrets controller does, the scope a SealedSecret declares, and the
// sealing key pairs kept in Secrets. Pure functions over bytes and Nodes (any thread); no API
// calls: the controller (src/controller/sealedsecret.*) and `plumb seal` (src/cli) do I/O.
// Plaintext never appears in an Error's message.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::sealed {

// Names as the sealed-secrets controller and kubeseal spell them.
inline constexpr std::string_view k_api_version = "bitnami.com/v1alpha1";
inline constexpr std::string_view k_kind = "SealedSecret";
// The label that marks key Secrets (value "active"), and the prefix of their generated names.
inline constexpr std::string_view k_key_label = "sealedsecrets.bitnami.com/sealed-secrets-key";
inline constexpr std::string_view k_key_prefix = "sealed-secrets-key";
inline constexpr std::string_view k_namespace_wide_annotation =
    "sealedsecrets.bitnami.com/namespace-wide";
inline constexpr std::string_view k_cluster_wide_annotation =
    "sealedsecrets.bitnami.com/cluster-wide";
inline constexpr std::string_view k_managed_annotation = "sealedsecrets.bitnami.com/managed";
inline constexpr std::string_view k_skip_owner_annotation =
    "sealedsecrets.bitnami.com/skip-set-owner-references";

// strict: bound to name and namespace (OAEP label "NAMESPACE/NAME"); namespace_wide: to the
// namespace (label "NAMESPACE"); cluster_wide: to nothing (empty label).
enum class Scope { strict, namespace_wide, cluster_wide };

std::string_view scope_name(Scope scope);          // "strict", "namespace-wide", "cluster-wide"
Result<Scope> parse_scope(std::string_view name);  // kubeseal's --scope words
// The scope a SealedSecret's (or its template's) metadata declares with the annotations
// sealedsecrets.bitnami.com/namespace-wide and .../cluster-wide, as the controller reads them.
// A value that is not a bool is an error naming the annotation.
Result<Scope> scope_of(const Node& metadata);

// The OAEP label of a scope for an object.
std::string label_of(Scope scope, std::string_view ns, std::string_view name);

// One sealing key: an RSA private key and its self-signed certificate, PEM, as stored in a
// Secret of type kubernetes.io/tls (tls.key, tls.crt).
struct KeyPair {
  std::string name;  // the Secret's name ("sealed-secrets-keyabcde"); may be empty offline
  std::string private_key_pem;
  std::string certificate_pem;
  std::chrono::system_clock::time_point created;  // the certificate's notBefore
};

// A new RSA key (4096 bits unless a test asks for fewer) with a self-signed certificate as the
// controller makes it (CN and validity as the sealed-secrets controller writes them).
Result<KeyPair> generate_key(int bits = 4096);

// A key pair read from a Secret (a Node of the whole object): the controller's own format,
// i.e. what the sealed-secrets controller creates, label
// sealedsecrets.bitnami.com/sealed-secrets-key. Errors name the Secret and the field.
Result<KeyPair> key_from_secret(const Node& secret);
// The Secret that stores a key pair in that same format, in `ns`, labelled active.
Node key_secret(const KeyPair& key, std::string_view ns);

// Seals one value for `label` under the public key of `certificate_pem` (PEM certificate or
// PEM public key): the controller's hybrid format (RSA-OAEP SHA-256 session key, AES-256-GCM
// body), the raw bytes (not base64).
Result<std::string> seal(std::string_view certificate_pem, std::string_view label,
                         std::string_view plaintext);
// Opens a sealed value (raw bytes) with the first key that can, newest first as the
// controller tries them. Error when none can (wrong key, tampered or truncated data, wrong
// label): the message says which without echoing data.
Result<std::string> unseal(const std::vector<KeyPair>& keys, std::string_view label,
                           std::string_view sealed_bytes);

// The Secret a SealedSecret unseals to (a Node of the whole SealedSecret): spec.template's
// metadata, type and data templates; spec.encryptedData values (base64 of sealed bytes) opened
// with the label of the object's scope; ownerReference to the SealedSecret (controller: true).
// Errors name the SealedSecret and the key at fault.
Result<Node> unseal_object(const Node& sealed_secret, const std::vector<KeyPair>& keys);

// The public key of a PEM certificate (or a PEM public key) as a PEM "PUBLIC KEY" block: what
// tools that take a bare key (kubeseal-encrypt) need.
Result<std::string> public_key_pem(std::string_view certificate_pem);
// A PEM certificate's notAfter (kubeseal refuses to seal with an expired certificate).
Result<std::chrono::system_clock::time_point> certificate_not_after(
    std::string_view certificate_pem);

// A SealedSecret read from a file, laid out as kubeseal prints one it decoded (`--merge-into`,
// `--re-encrypt`): Go's field order, creationTimestamp null when unset, maps by key, unknown
// fields dropped.
Node kubeseal_layout(const Node& sealed_secret);

// The SealedSecret of a Secret, as `kubeseal` writes it (used by `plumb seal`): fields in
// kubeseal's order, `creationTimestamp: null`, the Secret's metadata as the template (server
// fields, last-applied annotations and ownerReferences stripped), encryptedData by key. As with
// kubeseal's --scope, Scope::strict means "what the Secret's annotations declare" (strict when
// none); another scope replaces them. The Secret needs a name, and a namespace unless
// cluster-wide: the caller fills in defaults first.
Result<Node> seal_object(const Node& secret, std::string_view certificate_pem, Scope scope);

}  // namespace plumb::sealed

// SealedSecret objects: scopes from annotations, the Secret unseal_object builds (template
// metadata, type, data templates, ownerReference), its errors, and seal_object's output.
#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "sealed/sealed.hpp"
#include "sealed/sealed_test_keys.hpp"

namespace plumb::sealed {
namespace {

using test::key_a;
using test::key_b;

Node yaml(std::string_view text) {
  auto node = parse_yaml(text, "test.yaml");
  EXPECT_TRUE(node) << node.error().message();
  return node ? *node : Node();
}

std::string sealed_b64(std::string_view label, std::string_view value,
                       const KeyPair& key = key_a()) {
  return base64_encode(*seal(key.certificate_pem, label, value));
}

// A SealedSecret in prod/db whose encryptedData holds `values` sealed for `label`.
Node sealed_secret(std::string_view label, std::string annotations = "",
                   std::string template_extra = "") {
  std::string text =
      "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n"
      "  name: db\n  namespace: prod\n  uid: 1234-abcd\n" +
      annotations +
      "spec:\n  template:\n    metadata:\n      labels: {app: db}\n"
      "      annotations: {note: kept}\n    type: kubernetes.io/basic-auth\n" +
      template_extra + "  encryptedData:\n    username: " + sealed_b64(label, "admin") +
      "\n    password: " + sealed_b64(label, "s3cr3t") + "\n";
  return yaml(text);
}

std::string data_of(const Node& secret, std::string_view key) {
  auto decoded = base64_decode(secret.string_at({"data", key}));
  return decoded ? *decoded : "<not base64>";
}

TEST(SealedScope, FromAnnotations) {
  EXPECT_EQ(*scope_of(yaml("name: x")), Scope::strict);
  EXPECT_EQ(*scope_of(yaml("annotations: {sealedsecrets.bitnami.com/namespace-wide: 'true'}")),
            Scope::namespace_wide);
  EXPECT_EQ(*scope_of(yaml("annotations: {sealedsecrets.bitnami.com/cluster-wide: 'true'}")),
            Scope::cluster_wide);
  EXPECT_EQ(*scope_of(yaml("annotations: {sealedsecrets.bitnami.com/cluster-wide: 'true', "
                           "sealedsecrets.bitnami.com/namespace-wide: 'true'}")),
            Scope::cluster_wide);
  EXPECT_EQ(*scope_of(yaml("annotations: {sealedsecrets.bitnami.com/cluster-wide: 'false'}")),
            Scope::strict);
  auto bad = scope_of(yaml("annotations: {sealedsecrets.bitnami.com/namespace-wide: 'yes'}"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("sealedsecrets.bitnami.com/namespace-wide"),
            std::string::npos);
}

TEST(SealedScope, KubesealWords) {
  EXPECT_EQ(*parse_scope("strict"), Scope::strict);
  EXPECT_EQ(*parse_scope("namespace-wide"), Scope::namespace_wide);
  EXPECT_EQ(*parse_scope("cluster-wide"), Scope::cluster_wide);
  for (Scope s : {Scope::strict, Scope::namespace_wide, Scope::cluster_wide})
    EXPECT_EQ(*parse_scope(scope_name(s)), s);
  auto bad = parse_scope("global");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("strict, namespace-wide, cluster-wide"), std::string::npos);
}

TEST(UnsealObject, BuildsTheSecretFromTheTemplate) {
  auto secret = unseal_object(sealed_secret("prod/db"), {key_b(), key_a()});
  ASSERT_TRUE(secret) << secret.error().message();
  EXPECT_EQ(secret->string_at({"apiVersion"}), "v1");
  EXPECT_EQ(secret->string_at({"kind"}), "Secret");
  EXPECT_EQ(secret->string_at({"metadata", "name"}), "db");
  EXPECT_EQ(secret->string_at({"metadata", "namespace"}), "prod");
  EXPECT_EQ(secret->string_at({"metadata", "labels", "app"}), "db");
  EXPECT_EQ(secret->string_at({"metadata", "annotations", "note"}), "kept");
  EXPECT_EQ(secret->string_at({"type"}), "kubernetes.io/basic-auth");
  EXPECT_EQ(data_of(*secret, "username"), "admin");
  EXPECT_EQ(data_of(*secret, "password"), "s3cr3t");
  const Node* refs = secret->at_path({"metadata", "ownerReferences"});
  ASSERT_TRUE(refs && refs->size() == 1);
  const Node& ref = refs->items()[0];
  EXPECT_EQ(to_json(ref), R"({"apiVersion":"bitnami.com/v1alpha1","kind":"SealedSecret",)"
                          R"("name":"db","uid":"1234-abcd","controller":true})");
}

TEST(UnsealObject, DataTemplatesSeeTheUnsealedValues) {
  Node object =
      sealed_secret("prod/db", "",
                    "    data:\n      dsn: 'postgres://{{ .username }}:{{ .password }}@db:5432'\n"
                    "      upper: '{{ .username | upper }}'\n      fixed: plain text\n");
  auto secret = unseal_object(object, {key_a()});
  ASSERT_TRUE(secret) << secret.error().message();
  EXPECT_EQ(data_of(*secret, "dsn"), "postgres://admin:s3cr3t@db:5432");
  EXPECT_EQ(data_of(*secret, "upper"), "ADMIN");
  EXPECT_EQ(data_of(*secret, "fixed"), "plain text");
  EXPECT_EQ(data_of(*secret, "password"), "s3cr3t");
}

TEST(UnsealObject, TemplatesHaveNoEnvironmentFunctions) {
  Node object = sealed_secret("prod/db", "", "    data:\n      home: '{{ env \"HOME\" }}'\n");
  auto secret = unseal_object(object, {key_a()});
  ASSERT_FALSE(secret);
  EXPECT_NE(secret.error().message().find("spec.template.data.home"), std::string::npos);
}

TEST(UnsealObject, TemplateExecutionErrorsDoNotQuotePlaintext) {
  Node object = sealed_secret("prod/db", "",
                              "    data:\n      n: '{{ .password | atoi | add1 }}'\n"
                              "      m: '{{ fail .password }}'\n");
  auto secret = unseal_object(object, {key_a()});
  ASSERT_FALSE(secret);
  EXPECT_NE(secret.error().message().find("spec.template.data.m"), std::string::npos);
  EXPECT_EQ(secret.error().message().find("s3cr3t"), std::string::npos) << secret.error().message();
}

TEST(UnsealObject, SkipOwnerReferencesAnnotation) {
  Node object = sealed_secret("prod/db");
  (*object.find_mut("spec")
        ->find_mut("template")
        ->find_mut("metadata")
        ->find_mut("annotations"))["sealedsecrets.bitnami.com/skip-set-owner-references"] =
      Node::string("true");
  auto secret = unseal_object(object, {key_a()});
  ASSERT_TRUE(secret) << secret.error().message();
  EXPECT_EQ(secret->at_path({"metadata", "ownerReferences"}), nullptr);
}

TEST(UnsealObject, ScopesAreEnforced) {
  // Sealed strictly for prod/db: renamed or moved, it no longer opens.
  Node renamed = sealed_secret("prod/db");
  (*renamed.find_mut("metadata"))["name"] = Node::string("db2");
  auto secret = unseal_object(renamed, {key_a()});
  ASSERT_FALSE(secret);
  EXPECT_NE(secret.error().message().find("SealedSecret prod/db2: "), std::string::npos)
      << secret.error().message();
  EXPECT_NE(secret.error().message().find("spec.encryptedData.password: no key could decrypt"),
            std::string::npos)
      << secret.error().message();
  EXPECT_NE(secret.error().message().find("spec.encryptedData.username"), std::string::npos);

  // Namespace-wide: any name in prod.
  Node ns_wide =
      sealed_secret("prod", "  annotations: {sealedsecrets.bitnami.com/namespace-wide: 'true'}\n");
  (*ns_wide.find_mut("metadata"))["name"] = Node::string("other");
  EXPECT_TRUE(unseal_object(ns_wide, {key_a()}));
  (*ns_wide.find_mut("metadata"))["namespace"] = Node::string("staging");
  EXPECT_FALSE(unseal_object(ns_wide, {key_a()}));

  // Cluster-wide: anywhere.
  Node cluster_wide =
      sealed_secret("", "  annotations: {sealedsecrets.bitnami.com/cluster-wide: 'true'}\n");
  (*cluster_wide.find_mut("metadata"))["namespace"] = Node::string("elsewhere");
  auto moved = unseal_object(cluster_wide, {key_a()});
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_EQ(moved->string_at({"metadata", "namespace"}), "elsewhere");
}

TEST(UnsealObject, ErrorsNameTheObjectAndKey) {
  Node bad_value = sealed_secret("prod/db");
  (*bad_value.find_mut("spec")->find_mut("encryptedData"))["token"] = Node::string("!!notb64");
  auto secret = unseal_object(bad_value, {key_a()});
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().message(), "SealedSecret prod/db: spec.encryptedData.token: not base64");

  auto wrong_key = unseal_object(sealed_secret("prod/db"), {key_b()});
  ASSERT_FALSE(wrong_key);
  EXPECT_NE(wrong_key.error().message().find("another key"), std::string::npos);

  Node bad_scope =
      sealed_secret("prod/db", "  annotations: {sealedsecrets.bitnami.com/cluster-wide: maybe}\n");
  auto scope = unseal_object(bad_scope, {key_a()});
  ASSERT_FALSE(scope);
  EXPECT_NE(scope.error().message().find("SealedSecret prod/db: annotation "
                                         "sealedsecrets.bitnami.com/cluster-wide"),
            std::string::npos)
      << scope.error().message();

  Node old_format =
      yaml("kind: SealedSecret\nmetadata: {name: a, namespace: b}\nspec: {data: AAAA}");
  auto old = unseal_object(old_format, {key_a()});
  ASSERT_FALSE(old);
  EXPECT_NE(old.error().message().find("spec.data"), std::string::npos);

  EXPECT_FALSE(unseal_object(yaml("kind: SealedSecret"), {key_a()}));
  EXPECT_FALSE(unseal_object(Node::string("x"), {key_a()}));
}

// --- seal_object ---------------------------------------------------------------------------

constexpr std::string_view k_secret = R"(apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: prod
  uid: 0000
  resourceVersion: "12"
  creationTimestamp: "2024-01-01T00:00:00Z"
  labels: {b: "2", a: "1"}
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"stringData":{"password":"s3cr3t"}}'
type: Opaque
data:
  username: YWRtaW4=
stringData:
  password: s3cr3t
)";

TEST(SealObject, WritesWhatKubesealWrites) {
  auto sealed = seal_object(yaml(k_secret), key_a().certificate_pem, Scope::strict);
  ASSERT_TRUE(sealed) << sealed.error().message();
  // Go's struct order, creationTimestamp null, server fields and last-applied stripped.
  Node shape = *sealed;
  (*shape.find_mut("spec")->find_mut("encryptedData"))["password"] = Node::string("P");
  (*shape.find_mut("spec")->find_mut("encryptedData"))["username"] = Node::string("U");
  EXPECT_EQ(to_json(shape),
            R"({"kind":"SealedSecret","apiVersion":"bitnami.com/v1alpha1",)"
            R"("metadata":{"name":"db","namespace":"prod","creationTimestamp":null},)"
            R"("spec":{"template":{"metadata":{"name":"db","namespace":"prod",)"
            R"("creationTimestamp":null,"labels":{"a":"1","b":"2"}},"type":"Opaque"},)"
            R"("encryptedData":{"password":"P","username":"U"}}})");
  EXPECT_EQ(to_json(*sealed).find("s3cr3t"), std::string::npos);
  auto secret = unseal_object(*sealed, {key_a()});
  ASSERT_TRUE(secret) << secret.error().message();
  EXPECT_EQ(data_of(*secret, "username"), "admin");
  EXPECT_EQ(data_of(*secret, "password"), "s3cr3t");
}

TEST(SealObject, ScopeAnnotations) {
  auto ns_wide = seal_object(yaml(k_secret), key_a().certificate_pem, Scope::namespace_wide);
  ASSERT_TRUE(ns_wide);
  EXPECT_EQ(
      ns_wide->string_at({"metadata", "annotations", "sealedsecrets.bitnami.com/namespace-wide"}),
      "true");
  EXPECT_EQ(ns_wide->string_at({"spec", "template", "metadata", "annotations",
                                "sealedsecrets.bitnami.com/namespace-wide"}),
            "true");
  Node moved = *ns_wide;
  (*moved.find_mut("metadata"))["name"] = Node::string("renamed");
  EXPECT_TRUE(unseal_object(moved, {key_a()}));

  // The Secret's own annotation chooses the scope when --scope is left at strict.
  Node annotated = yaml(k_secret);
  (*annotated.find_mut("metadata")
        ->find_mut("annotations"))["sealedsecrets.bitnami.com/cluster-wide"] = Node::string("true");
  annotated.find_mut("metadata")->erase("namespace");
  auto cluster_wide = seal_object(annotated, key_a().certificate_pem, Scope::strict);
  ASSERT_TRUE(cluster_wide) << cluster_wide.error().message();
  EXPECT_EQ(cluster_wide->at_path({"metadata", "namespace"}), nullptr);
  EXPECT_EQ(cluster_wide->string_at(
                {"metadata", "annotations", "sealedsecrets.bitnami.com/cluster-wide"}),
            "true");
  Node placed = *cluster_wide;
  (*placed.find_mut("metadata"))["namespace"] = Node::string("anywhere");
  EXPECT_TRUE(unseal_object(placed, {key_a()}));
}

TEST(SealObject, Errors) {
  Node no_ns = yaml(k_secret);
  no_ns.find_mut("metadata")->erase("namespace");
  auto missing_ns = seal_object(no_ns, key_a().certificate_pem, Scope::strict);
  ASSERT_FALSE(missing_ns);
  EXPECT_EQ(missing_ns.error().message(), "secret must declare a namespace");

  Node no_name = yaml(k_secret);
  no_name.find_mut("metadata")->erase("name");
  EXPECT_FALSE(seal_object(no_name, key_a().certificate_pem, Scope::strict));

  Node bad_data = yaml(k_secret);
  (*bad_data.find_mut("data"))["username"] = Node::string("*not base64*");
  auto bad = seal_object(bad_data, key_a().certificate_pem, Scope::strict);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "data.username: not base64");

  EXPECT_FALSE(seal_object(yaml(k_secret), "no certificate", Scope::strict));
}

}  // namespace
}  // namespace plumb::sealed

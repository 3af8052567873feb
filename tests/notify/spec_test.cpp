#include "notify/spec.hpp"

#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "core/yaml.hpp"

namespace plumb::notify {
namespace {

Node yaml(std::string_view text) {
  return parse_yaml(text, "test").value();
}

TEST(NotifySpec, ProviderWithEveryField) {
  auto p = parse_provider(yaml(R"(
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata: {name: slack, namespace: flux-system, uid: 0a1b2c3d-1111-2222-3333-444455556666}
spec:
  type: slack
  address: https://hooks.slack.com/services/x
  channel: general
  username: flux
  proxy: http://proxy:3128
  secretRef: {name: slack-token}
  certSecretRef: {name: slack-ca}
  timeout: 1m30s
  suspend: true
)"));
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->type, ProviderType::slack);
  EXPECT_EQ(p->address, "https://hooks.slack.com/services/x");
  EXPECT_EQ(p->channel, "general");
  EXPECT_EQ(p->username, "flux");
  EXPECT_EQ(p->proxy, "http://proxy:3128");
  EXPECT_EQ(p->secret_ref, "slack-token");
  EXPECT_EQ(p->cert_secret_ref, "slack-ca");
  EXPECT_EQ(p->timeout, std::chrono::seconds(90));
  EXPECT_TRUE(p->suspend);
  EXPECT_EQ(p->uid, "0a1b2c3d-1111-2222-3333-444455556666");
}

TEST(NotifySpec, ProviderErrorsNameTheObjectAndField) {
  auto unknown = parse_provider(
      yaml("kind: Provider\nmetadata: {name: p, namespace: ns}\nspec: {type: carrier-pigeon}\n"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message(),
            "Provider/ns/p: spec.type: 'carrier-pigeon' is not a provider type Plumb delivers to");
  auto timeout = parse_provider(
      yaml("kind: Provider\nmetadata: {name: p, namespace: ns}\nspec: {type: generic, "
           "timeout: soon}\n"));
  ASSERT_FALSE(timeout);
  EXPECT_TRUE(timeout.error().message().starts_with("Provider/ns/p: spec.timeout: "))
      << timeout.error().message();
  auto no_type =
      parse_provider(yaml("kind: Provider\nmetadata: {name: p, namespace: ns}\nspec: {}\n"));
  ASSERT_FALSE(no_type);
  EXPECT_EQ(no_type.error().message(), "Provider/ns/p: spec.type: required");
}

TEST(NotifySpec, EveryFluxTypeIsKnown) {
  for (std::string_view name :
       {"generic", "generic-hmac", "slack",           "msteams",        "discord", "googlechat",
        "rocket",  "webex",        "telegram",        "matrix",         "lark",    "alertmanager",
        "grafana", "opsgenie",     "pagerduty",       "githubdispatch", "github",  "gitlab",
        "gitea",   "bitbucket",    "bitbucketserver", "azuredevops"}) {
    auto type = provider_type_of(name);
    ASSERT_TRUE(type) << name;
    EXPECT_EQ(to_string(*type), name);
  }
  EXPECT_TRUE(is_commit_status(ProviderType::gitea));
  EXPECT_FALSE(is_commit_status(ProviderType::githubdispatch));
}

TEST(NotifySpec, AlertWithEveryField) {
  auto a = parse_alert(yaml(R"(
kind: Alert
metadata: {name: on-call, namespace: flux-system}
spec:
  providerRef: {name: slack}
  eventSeverity: error
  eventSources:
  - kind: Kustomization
    name: '*'
    matchLabels: {team: web}
  - {kind: GitRepository, name: podinfo, namespace: apps}
  inclusionList: [".*failed.*"]
  exclusionList: ["^Dependencies"]
  eventMetadata: {env: prod}
  summary: Cluster addons impacted
  suspend: false
)"));
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(a->provider_ref, "slack");
  EXPECT_EQ(a->event_severity, Severity::error);
  ASSERT_EQ(a->event_sources.size(), 2u);
  EXPECT_EQ(a->event_sources[0].match_labels.at("team"), "web");
  EXPECT_EQ(a->event_sources[1].namespace_, "apps");
  EXPECT_EQ(a->inclusion_list.size(), 1u);
  EXPECT_EQ(a->exclusion_list.size(), 1u);
  EXPECT_EQ(a->event_metadata.at("env"), "prod");
  EXPECT_EQ(a->summary, "Cluster addons impacted");
}

TEST(NotifySpec, AlertErrors) {
  struct Case {
    std::string spec, error;
  };
  for (const Case& c : std::vector<Case>{
           {"{eventSources: [{kind: Kustomization, name: a}]}", "spec.providerRef.name: required"},
           {"{providerRef: {name: p}}", "spec.eventSources: required"},
           {"{providerRef: {name: p}, eventSources: [{name: a}]}",
            "spec.eventSources[0].kind: required"},
           {"{providerRef: {name: p}, eventSources: [{kind: K, name: a}], eventSeverity: warn}",
            "spec.eventSeverity: must be info or error, not 'warn'"},
           {"{providerRef: {name: p}, eventSources: [{kind: K, name: a}], inclusionList: ['(']}",
            "spec.inclusionList[0]: "},
       }) {
    auto a = parse_alert(
        yaml("kind: Alert\nmetadata: {name: a, namespace: ns}\nspec: " + c.spec + "\n"));
    ASSERT_FALSE(a) << c.spec;
    EXPECT_NE(a.error().message().find("Alert/ns/a: " + c.error), std::string::npos)
        << a.error().message();
  }
}

TEST(NotifySpec, SecretKeysAsFluxReadsThem) {
  Node secret = yaml("metadata: {name: s, namespace: ns}\ndata: {}\n");
  secret["data"].set("address", Node::string(base64_encode("http://x/hook\n")));
  secret["data"].set("token", Node::string(base64_encode("t0k3n")));
  secret["data"].set("headers", Node::string(base64_encode("X-Team: web\nX-Env: prod\n")));
  auto s = parse_provider_secret(secret);
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(*s->address, "http://x/hook");
  EXPECT_EQ(*s->token, "t0k3n");
  EXPECT_EQ(s->headers.at("X-Team"), "web");
  EXPECT_FALSE(s->password);
}

TEST(NotifySpec, CrdsServeBothVersions) {
  auto crds = notification_crds();
  ASSERT_EQ(crds.size(), 2u);
  EXPECT_EQ(crds[0].string_at({"metadata", "name"}), "providers.notification.toolkit.fluxcd.io");
  EXPECT_EQ(crds[1].string_at({"metadata", "name"}), "alerts.notification.toolkit.fluxcd.io");
  const Node* versions = crds[1].at_path({"spec", "versions"});
  ASSERT_EQ(versions->items().size(), 2u);
  EXPECT_EQ(versions->items()[0].string_at({"name"}), "v1beta3");
  EXPECT_TRUE(versions->items()[0].at_path({"storage"})->as_bool());
  EXPECT_EQ(versions->items()[1].string_at({"name"}), "v1beta2");
}

}  // namespace
}  // namespace plumb::notify

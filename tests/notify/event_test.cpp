#include "notify/event.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"
#include "core/yaml.hpp"

namespace plumb::notify {
namespace {

Event sample(bool warning = false) {
  controller::EventRecord r;
  r.time = SystemTime(std::chrono::seconds(1764856800));  // 2025-12-04T14:00:00Z
  r.involved = parse_yaml(R"(
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: webapp
  namespace: apps
  uid: 7d0cdc51-ddcf-4743-b223-83ca5c699632
  labels: {team: web}
)",
                          "t")
                   .value();
  r.warning = warning;
  r.reason = warning ? "HealthCheckFailed" : "ReconciliationSucceeded";
  r.message = warning ? "Deployment/apps/web: not ready" : "Deployment/apps/web configured";
  r.metadata = {{"revision", "main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1"}};
  r.reporting_controller = "kustomize-controller";
  return event_from(r);
}

AlertSpec alert(std::string_view spec) {
  return parse_alert(parse_yaml("kind: Alert\nmetadata: {name: a, namespace: apps}\nspec: " +
                                    std::string(spec) + "\n",
                                "t")
                         .value())
      .value();
}

TEST(NotifyEvent, GenericJsonHasFluxsShape) {
  EXPECT_EQ(
      to_json(event_json(sample())),
      R"({"involvedObject":{"kind":"Kustomization","namespace":"apps","name":"webapp",)"
      R"("uid":"7d0cdc51-ddcf-4743-b223-83ca5c699632","apiVersion":"kustomize.toolkit.fluxcd.io/v1"},)"
      R"("severity":"info","timestamp":"2025-12-04T14:00:00Z",)"
      R"("message":"Deployment/apps/web configured","reason":"ReconciliationSucceeded",)"
      R"("metadata":{"revision":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1"},)"
      R"("reportingController":"kustomize-controller"})");
}

TEST(NotifyEvent, KeyIsFluxsEventKey) {
  // sha256("event/name=webapp/namespace=apps/kind=Kustomization/message=Deployment/apps/web
  // configured/revision=main@sha1:731f…")
  Event e = sample();
  std::string key = event_key(e);
  EXPECT_EQ(key, "9fff3ce9fb8ad2b3ee768201d13dd307e8dd707c0e5c80652fe7cabd11a62294");
  Event later = e;
  later.timestamp += std::chrono::minutes(1);
  later.severity = Severity::error;  // not part of the key, as in Flux
  EXPECT_EQ(event_key(later), key);
  Event other_revision = e;
  other_revision.metadata["revision"] = "main@sha1:0000000000000000000000000000000000000000";
  EXPECT_NE(event_key(other_revision), key);
  Event other_message = e;
  other_message.message += "!";
  EXPECT_NE(event_key(other_message), key);
  Event with_token = e;
  with_token.metadata["token"] = "abc";
  EXPECT_NE(event_key(with_token), key);
  Event other_summary = e;
  other_summary.metadata["summary"] = "x";  // not part of the key
  EXPECT_EQ(event_key(other_summary), key);
}

TEST(NotifyEvent, AlertMatchingRules) {
  struct Case {
    std::string spec;
    bool warning;
    bool matches;
  };
  for (const Case& c : std::vector<Case>{
           {"{providerRef: {name: p}, eventSources: [{kind: Kustomization, name: webapp}]}", false,
            true},
           {"{providerRef: {name: p}, eventSources: [{kind: Kustomization, name: '*'}]}", false,
            true},
           {"{providerRef: {name: p}, eventSources: [{kind: Kustomization, name: other}]}", false,
            false},
           {"{providerRef: {name: p}, eventSources: [{kind: GitRepository, name: '*'}]}", false,
            false},
           // another namespace must be named
           {"{providerRef: {name: p}, eventSources: [{kind: Kustomization, name: '*', namespace: "
            "flux-system}]}",
            false, false},
           // error alerts take errors only; info alerts take both
           {"{providerRef: {name: p}, eventSeverity: error, eventSources: [{kind: Kustomization, "
            "name: '*'}]}",
            false, false},
           {"{providerRef: {name: p}, eventSeverity: error, eventSources: [{kind: Kustomization, "
            "name: '*'}]}",
            true, true},
           {"{providerRef: {name: p}, eventSources: [{kind: Kustomization, name: '*'}]}", true,
            true},
           // matchLabels
           {"{providerRef: {name: p}, eventSources: [{kind: Kustomization, name: '*', "
            "matchLabels: {team: web}}]}",
            false, true},
           {"{providerRef: {name: p}, eventSources: [{kind: Kustomization, name: '*', "
            "matchLabels: {team: db}}]}",
            false, false},
           // inclusion and exclusion lists
           {"{providerRef: {name: p}, eventSources: [{kind: Kustomization, name: '*'}], "
            "inclusionList: ['configured$']}",
            false, true},
           {"{providerRef: {name: p}, eventSources: [{kind: Kustomization, name: '*'}], "
            "inclusionList: ['^created']}",
            false, false},
           {"{providerRef: {name: p}, eventSources: [{kind: Kustomization, name: '*'}], "
            "exclusionList: ['apps/web\\s']}",
            false, false},
           {"{providerRef: {name: p}, suspend: true, eventSources: [{kind: Kustomization, name: "
            "'*'}]}",
            false, false},
       }) {
    EXPECT_EQ(alert_matches(alert(c.spec), sample(c.warning)), c.matches)
        << c.spec << " warning=" << c.warning;
  }
}

TEST(NotifyEvent, MetadataPrecedenceAsFlux) {
  AlertSpec a = alert(
      "{providerRef: {name: p}, eventSources: [{kind: Kustomization, name: '*'}], summary: S, "
      "eventMetadata: {env: prod, revision: mine, summary: meta}}");
  Event e = for_alert(a, sample());
  EXPECT_EQ(e.metadata.at("env"), "prod");
  EXPECT_EQ(e.metadata.at("summary"), "S");  // summary over eventMetadata
  EXPECT_EQ(e.metadata.at("revision"), "main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1");
}

TEST(NotifyEvent, CommitOfRevision) {
  EXPECT_EQ(commit_sha("main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1"),
            "731f7eaddfb6af01cb2173e18f0f75b0ba780ef1");
  EXPECT_EQ(commit_sha("sha1:731F7EADDFB6AF01CB2173E18F0F75B0BA780EF1"),
            "731f7eaddfb6af01cb2173e18f0f75b0ba780ef1");
  EXPECT_EQ(commit_sha("main/731f7eaddfb6af01cb2173e18f0f75b0ba780ef1"),
            "731f7eaddfb6af01cb2173e18f0f75b0ba780ef1");
  EXPECT_EQ(commit_sha("6.14.1"), "");
  EXPECT_EQ(commit_sha("main@sha1:xyz"), "");
}

TEST(NotifyEvent, ReconcileEndsAreStatusOnlyEvents) {
  controller::ReconcileRecord r;
  r.kind = "Kustomization";
  r.namespace_ = "apps";
  r.name = "webapp";
  r.uid = "u-1";
  r.revision = "main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1";
  r.reason = controller::Reason::succeeded;
  auto ok = status_event_from(r);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->status_only);
  EXPECT_EQ(ok->severity, Severity::info);
  EXPECT_EQ(ok->reason, "ReconciliationSucceeded");
  EXPECT_EQ(ok->metadata.at("revision"), r.revision);
  r.reason = controller::Reason::build_failed;
  r.error = "broken.yaml: bad";
  auto failed = status_event_from(r);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->severity, Severity::error);
  EXPECT_EQ(failed->message, "broken.yaml: bad");
  r.reason = controller::Reason::progressing;  // health still being judged
  EXPECT_FALSE(status_event_from(r));
  r.reason = controller::Reason::succeeded;
  r.noop = true;
  EXPECT_FALSE(status_event_from(r));
  r.noop = false;
  r.trigger = controller::Trigger::drift;
  EXPECT_FALSE(status_event_from(r));
}

TEST(NotifyEvent, ReasonWordsAsFluxSplitsThem) {
  EXPECT_EQ(reason_words("ReconciliationSucceeded"), "reconciliation succeeded");
  EXPECT_EQ(reason_words("HealthCheckFailed"), "health check failed");
  EXPECT_EQ(reason_words("HTTPServerDown"), "http server down");
  EXPECT_EQ(reason_words("Progressing"), "progressing");
  EXPECT_EQ(object_title(sample()), "kustomization/webapp");
}

}  // namespace
}  // namespace plumb::notify

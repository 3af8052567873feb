#include "argo/sync_options.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "yaml_test_util.hpp"

namespace plumb::argo {
namespace {

SyncOptions parse(std::vector<std::string> items) {
  Result<SyncOptions> options = parse_sync_options(items, "spec.syncPolicy.syncOptions");
  EXPECT_TRUE(options) << options.error().message();
  return options ? *options : SyncOptions{};
}

Node object(std::string_view annotations) {
  std::string text =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n";
  if (!annotations.empty()) text += "  annotations:\n" + std::string(annotations);
  return yaml(text);
}

SyncOptions annotated(std::string_view value) {
  Result<SyncOptions> options = resource_sync_options(
      object("    argocd.argoproj.io/sync-options: \"" + std::string(value) + "\"\n"));
  EXPECT_TRUE(options) << options.error().message();
  return options ? *options : SyncOptions{};
}

TEST(ArgoSyncOptions, ReadsEveryOptionArgoKnows) {
  SyncOptions o = parse({"Validate=false", "SkipDryRunOnMissingResource=true", "Replace=true",
                         "ServerSideApply=true", "PruneLast=true", "CreateNamespace=true",
                         "ApplyOutOfSyncOnly=true", "RespectIgnoreDifferences=true",
                         "FailOnSharedResource=true", "ClientSideApplyMigration=false",
                         "PrunePropagationPolicy=orphan", "Prune=false", "Delete=confirm"});
  EXPECT_EQ(o.validate, false);
  EXPECT_FALSE(o.validates());
  EXPECT_EQ(o.skip_dry_run_on_missing_resource, true);
  EXPECT_EQ(o.replace, true);
  EXPECT_EQ(o.server_side_apply, true);
  EXPECT_EQ(o.prune_last, true);
  EXPECT_EQ(o.create_namespace, true);
  EXPECT_EQ(o.apply_out_of_sync_only, true);
  EXPECT_EQ(o.respect_ignore_differences, true);
  EXPECT_EQ(o.fail_on_shared_resource, true);
  EXPECT_EQ(o.client_side_apply_migration, false);
  EXPECT_EQ(o.prune_propagation_policy, "orphan");
  EXPECT_TRUE(o.prune_disabled());
  EXPECT_FALSE(o.prune_confirm);
  EXPECT_EQ(o.delete_, true);
  EXPECT_TRUE(o.delete_confirm);
  EXPECT_FALSE(o.delete_disabled());
  EXPECT_TRUE(o.ignored.empty());
  EXPECT_FALSE(o.force.has_value());
}

TEST(ArgoSyncOptions, UnsetOptionsKeepArgosDefaults) {
  SyncOptions o = parse({});
  EXPECT_TRUE(o.validates());
  EXPECT_FALSE(o.prune_disabled());
  EXPECT_FALSE(o.prune.has_value());
  EXPECT_FALSE(o.server_side_apply.has_value());
  EXPECT_EQ(o.prune_propagation_policy, "");
}

// Argo compares whole entries as exact strings and refuses none: the rest is ignored.
TEST(ArgoSyncOptions, UnknownKeysAndBadValuesAreIgnoredAndListed) {
  SyncOptions o = parse({"Validate=False", " Validate=false", "Frobnicate=true", "PruneLast",
                         "PrunePropagationPolicy=sideways", "CreateNamespace=yes"});
  EXPECT_TRUE(o.validates());
  EXPECT_FALSE(o.prune_last.has_value());
  EXPECT_FALSE(o.create_namespace.has_value());
  EXPECT_EQ(o.prune_propagation_policy, "");
  ASSERT_EQ(o.ignored.size(), 6u);
  EXPECT_EQ(o.ignored[0],
            "spec.syncPolicy.syncOptions: Validate=False: Argo CD acts only on =true and =false "
            "(ignored)");
  EXPECT_EQ(o.ignored[1],
            "spec.syncPolicy.syncOptions:  Validate=false: not a sync option Argo CD knows "
            "(ignored, as Argo CD does)");
  EXPECT_EQ(o.ignored[3],
            "spec.syncPolicy.syncOptions: PruneLast: not a Key=Value entry (ignored, as Argo CD "
            "does)");
  EXPECT_EQ(o.ignored[4],
            "spec.syncPolicy.syncOptions: PrunePropagationPolicy=sideways: Argo CD knows "
            "foreground, background and orphan (ignored)");
}

TEST(ArgoSyncOptions, PruneAndDeleteTakeTheFirstEntryAndAnyValue) {
  SyncOptions confirm = parse({"Prune=confirm", "Prune=false"});
  EXPECT_EQ(confirm.prune, true);
  EXPECT_TRUE(confirm.prune_confirm);
  EXPECT_FALSE(confirm.prune_disabled());
  ASSERT_EQ(confirm.ignored.size(), 1u);
  EXPECT_NE(confirm.ignored[0].find("only the first entry"), std::string::npos);
  // Any value but "false" leaves pruning on (GetOptionValue, then == "false").
  SyncOptions odd = parse({"Prune=nope"});
  EXPECT_EQ(odd.prune, true);
  EXPECT_FALSE(odd.prune_confirm);
  EXPECT_TRUE(parse({"Delete=false"}).delete_disabled());
}

// The value Argo acts on wins when a list holds both: it tests one exact entry.
TEST(ArgoSyncOptions, ContradictoryEntriesResolveAsArgoTestsThem) {
  EXPECT_EQ(parse({"Validate=false", "Validate=true"}).validate, false);
  EXPECT_EQ(parse({"Validate=true", "Validate=false"}).validate, false);
  EXPECT_EQ(parse({"Replace=true", "Replace=false"}).replace, true);
  EXPECT_EQ(parse({"Replace=false", "Replace=true"}).replace, true);
  EXPECT_EQ(parse({"ServerSideApply=true", "ServerSideApply=false"}).server_side_apply, false);
  // PrunePropagationPolicy: background, then foreground, then orphan.
  EXPECT_EQ(parse({"PrunePropagationPolicy=orphan", "PrunePropagationPolicy=background"})
                .prune_propagation_policy,
            "background");
  EXPECT_EQ(parse({"PrunePropagationPolicy=foreground", "PrunePropagationPolicy=orphan"})
                .prune_propagation_policy,
            "foreground");
}

TEST(ArgoSyncOptions, AnnotationEntriesAreTrimmedAndDeduplicated) {
  EXPECT_EQ(annotation_csv(object("    argocd.argoproj.io/sync-options: \" Prune=false ,, "
                                  "Replace=true,Prune=false\"\n"),
                           k_sync_options_annotation),
            (std::vector<std::string>{"Prune=false", "Replace=true"}));
  SyncOptions o = annotated(" Prune=false , Validate=false");
  EXPECT_TRUE(o.prune_disabled());
  EXPECT_FALSE(o.validates());
  EXPECT_TRUE(annotated("").ignored.empty());
  EXPECT_TRUE(annotation_csv(object(""), k_sync_options_annotation).empty());
}

TEST(ArgoSyncOptions, IgnoredAnnotationEntriesNameTheObject) {
  SyncOptions o = annotated("Prune=false,Bogus=1");
  ASSERT_EQ(o.ignored.size(), 1u);
  EXPECT_EQ(o.ignored[0],
            "Deployment/shop/web: metadata.annotations[argocd.argoproj.io/sync-options]: Bogus=1: "
            "not a sync option Argo CD knows (ignored, as Argo CD does)");
}

TEST(ArgoSyncOptions, ANonStringAnnotationIsAnError) {
  Result<SyncOptions> o =
      resource_sync_options(object("    argocd.argoproj.io/sync-options: [Prune=false]\n"));
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().message(),
            "Deployment/shop/web: metadata.annotations[argocd.argoproj.io/sync-options]: must be "
            "a string");
}

TEST(ArgoSyncOptions, OverlayCombinesAsGitopsEngine) {
  SyncOptions app = parse({"Prune=false", "Validate=false", "ServerSideApply=true",
                           "CreateNamespace=true", "PrunePropagationPolicy=orphan"});
  // The resource's Prune value replaces the app's, whatever it is.
  EXPECT_FALSE(overlay(app, annotated("Prune=true")).prune_disabled());
  EXPECT_FALSE(overlay(app, annotated("Prune=confirm")).prune_disabled());
  EXPECT_TRUE(overlay(app, annotated("Prune=confirm")).prune_confirm);
  EXPECT_TRUE(overlay(app, annotated("")).prune_disabled());
  // Validate=false on the app cannot be turned back on by a resource.
  EXPECT_FALSE(overlay(app, annotated("Validate=true")).validates());
  EXPECT_FALSE(overlay(parse({}), annotated("Validate=false")).validates());
  // ServerSideApply=false on the resource turns it off; =true on either side turns it on.
  EXPECT_EQ(overlay(app, annotated("ServerSideApply=false")).server_side_apply, false);
  EXPECT_EQ(overlay(parse({}), annotated("ServerSideApply=true")).server_side_apply, true);
  EXPECT_EQ(overlay(parse({"ServerSideApply=false"}), annotated("ServerSideApply=true"))
                .server_side_apply,
            true);
  // Replace, Force, PruneLast, SkipDryRunOnMissingResource: either side turns them on.
  SyncOptions on = overlay(parse({}), annotated("Replace=true,Force=true,PruneLast=true,"
                                                "SkipDryRunOnMissingResource=true"));
  EXPECT_EQ(on.replace, true);
  EXPECT_EQ(on.force, true);
  EXPECT_EQ(on.prune_last, true);
  EXPECT_EQ(on.skip_dry_run_on_missing_resource, true);
  EXPECT_EQ(overlay(parse({"Replace=true"}), annotated("Replace=false")).replace, true);
  // App-level options come from the app; a resource naming one is told so.
  SyncOptions r =
      overlay(app, annotated("CreateNamespace=false,PrunePropagationPolicy=background"));
  EXPECT_EQ(r.create_namespace, true);
  EXPECT_EQ(r.prune_propagation_policy, "orphan");
  ASSERT_EQ(r.ignored.size(), 2u);
  EXPECT_EQ(r.ignored[0], "CreateNamespace: an Application-level option, not read from a resource");
}

TEST(ArgoSyncOptions, LiveObjectCanAskForReplaceAndForce) {
  SyncOptions base = parse({});
  SyncOptions o = overlay_live(base, object("    argocd.argoproj.io/sync-options: "
                                            "Replace=true,Force=true,Prune=false\n"));
  EXPECT_EQ(o.replace, true);
  EXPECT_EQ(o.force, true);
  EXPECT_FALSE(o.prune_disabled());  // only Replace and Force are read from the live object
}

}  // namespace
}  // namespace plumb::argo

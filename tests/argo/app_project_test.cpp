// AppProject rules, with the tables of argo-cd's types_test.go (IsSourcePermitted,
// IsDestinationPermitted, IsGroupKindNamePermitted) and util/argo's messages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "argo/application.hpp"
#include "yaml_test_util.hpp"

namespace plumb::argo {
namespace {

AppProject project(std::string_view spec) {
  Result<AppProject> p = parse_app_project(
      yaml("apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: team\n"
           "  namespace: argocd\nspec:\n" +
           std::string(spec)));
  EXPECT_TRUE(p) << p.error().message();
  return p ? *p : AppProject{};
}

AppProject with_sources(std::vector<std::string> repos) {
  AppProject p;
  p.name = "team";
  p.source_repos = std::move(repos);
  return p;
}

AppProject with_destinations(std::vector<ProjectDestination> destinations) {
  AppProject p;
  p.name = "team";
  p.destinations = std::move(destinations);
  return p;
}

Application app(std::string_view spec) {
  Result<Application> a = parse_application(
      yaml("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: guestbook\n"
           "  namespace: argocd\nspec:\n" +
           std::string(spec)));
  EXPECT_TRUE(a) << a.error().message();
  return a ? *a : Application{};
}

TEST(ArgoAppProject, ReadsEveryField) {
  AppProject p = project(
      R"(  sourceRepos: ['https://github.com/example/*', '!https://github.com/example/secret']
  destinations:
  - server: https://kubernetes.default.svc
    namespace: 'team-*'
  - name: in-cluster
    namespace: shared
  clusterResourceWhitelist:
  - {group: '', kind: Namespace, name: 'team-*'}
  clusterResourceBlacklist:
  - {group: rbac.authorization.k8s.io, kind: ClusterRole}
  namespaceResourceWhitelist:
  - {group: apps, kind: Deployment}
  namespaceResourceBlacklist:
  - {group: '', kind: ResourceQuota}
  orphanedResources:
    warn: true
    ignore:
    - {group: '', kind: ConfigMap, name: kube-root-ca.crt}
  sourceNamespaces: [team-apps]
  permitOnlyProjectScopedClusters: true
  description: ignored
)");
  EXPECT_EQ(p.name, "team");
  EXPECT_EQ(p.namespace_, "argocd");
  EXPECT_EQ(p.source_repos.size(), 2u);
  ASSERT_EQ(p.destinations.size(), 2u);
  EXPECT_EQ(p.destinations[0].server, "https://kubernetes.default.svc");
  EXPECT_EQ(p.destinations[0].namespace_, "team-*");
  EXPECT_EQ(p.destinations[1].name, "in-cluster");
  ASSERT_EQ(p.cluster_resource_whitelist.size(), 1u);
  EXPECT_EQ(p.cluster_resource_whitelist[0].kind, "Namespace");
  EXPECT_EQ(p.cluster_resource_whitelist[0].name, "team-*");
  EXPECT_EQ(p.cluster_resource_blacklist[0].group, "rbac.authorization.k8s.io");
  EXPECT_TRUE(p.has_namespace_resource_whitelist);
  EXPECT_EQ(p.namespace_resource_whitelist[0].kind, "Deployment");
  EXPECT_EQ(p.namespace_resource_blacklist[0].kind, "ResourceQuota");
  EXPECT_TRUE(p.has_orphaned);
  EXPECT_TRUE(p.orphaned_warn);
  ASSERT_EQ(p.orphaned_ignore.size(), 1u);
  EXPECT_EQ(p.orphaned_ignore[0].name, "kube-root-ca.crt");
  EXPECT_EQ(p.source_namespaces, (std::vector<std::string>{"team-apps"}));
  EXPECT_TRUE(p.permit_only_project_scoped_clusters);

  AppProject bare = project("  sourceRepos: ['*']\n");
  EXPECT_FALSE(bare.has_namespace_resource_whitelist);
  EXPECT_FALSE(bare.has_orphaned);
  EXPECT_TRUE(project("  namespaceResourceWhitelist: []\n").has_namespace_resource_whitelist);
}

TEST(ArgoAppProject, FieldErrorsNameTheProject) {
  Result<AppProject> p =
      parse_app_project(yaml("kind: AppProject\nmetadata: {name: team, namespace: argocd}\nspec:\n"
                             "  destinations:\n  - server: 1\n"));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().message(),
            "AppProject argocd/team: spec.destinations[0].server: must be a string");
}

// TestAppProject_IsSourcePermitted and TestAppProject_IsNegatedSourcePermitted.
TEST(ArgoAppProject, SourcePermitted) {
  struct Case {
    std::vector<std::string> repos;
    const char* source;
    bool permitted;
  };
  const Case cases[] = {
      {{"*"}, "https://github.com/argoproj/test.git", true},
      {{"https://github.com/argoproj/test.git"}, "https://github.com/argoproj/test.git", true},
      {{"ssh://git@GITHUB.com:argoproj/test"}, "ssh://git@github.com:argoproj/test", true},
      {{"https://github.com/argoproj/*"}, "https://github.com/argoproj/argoproj.git", true},
      {{"https://github.com/test1/test.git", "https://github.com/test2/test.git"},
       "https://github.com/test2/test.git",
       true},
      {{"https://github.com/argoproj/test1.git"}, "https://github.com/argoproj/test2.git", false},
      {{"https://github.com/argoproj/*.git"}, "https://github.com/argoproj1/test2.git", false},
      {{"https://github.com/argoproj/foo"}, "https://github.com/argoproj/foo1", false},
      {{"https://gitlab.com/group/*"}, "https://gitlab.com/group/repo/owner", false},
      {{"https://gitlab.com/group/*/*"}, "https://gitlab.com/group/repo/owner", true},
      {{"https://gitlab.com/group/*/*/*"}, "https://gitlab.com/group/sub-group/repo/owner", true},
      {{"https://gitlab.com/group/**"}, "https://gitlab.com/group/sub-group/repo/owner", true},
      {{"!https://github.com/argoproj/test.git"}, "https://github.com/argoproj/test.git", false},
      {{"!ssh://git@GITHUB.com:argoproj/test"}, "ssh://git@github.com:argoproj/test", false},
      {{"!https://github.com/argoproj/*"}, "https://github.com/argoproj/argoproj.git", false},
      {{"https://github.com/test1/test.git", "!https://github.com/test2/test.git"},
       "https://github.com/test2/test.git",
       false},
      {{"!https://github.com/argoproj/foo*"}, "https://github.com/argoproj/foo1", false},
      {{"!https://gitlab.com/group/*/*"}, "https://gitlab.com/group/repo/owner", false},
      {{"!https://gitlab.com/group/**"}, "https://gitlab.com/group/sub-group/repo/owner", false},
      {{"https://github.com/argoproj/test1.git", "*"},
       "https://github.com/argoproj/test2.git",
       true},
      {{"!https://github.com/argoproj/*.git", "*"}, "https://github.com/argoproj1/test2.git", true},
      // scp-like SSH URLs compare as ssh paths.
      {{"git@github.com:example/*"}, "git@github.com:example/apps.git", true},
      {{"git@github.com:example/*"}, "ssh://git@github.com/example/apps.git", true},
      {{}, "https://github.com/argoproj/test.git", false},
  };
  for (const Case& c : cases)
    EXPECT_EQ(source_permitted(with_sources(c.repos), c.source), c.permitted)
        << c.source << " against " << testing::PrintToString(c.repos);
}

TEST(ArgoAppProject, NormalizeGitUrl) {
  EXPECT_EQ(normalize_git_url("  HTTPS://GitHub.com/Example/Apps.git "),
            "https://github.com/example/apps");
  EXPECT_EQ(normalize_git_url("git@github.com:example/apps.git"), "git@github.com/example/apps");
  EXPECT_EQ(normalize_git_url("ssh://git@github.com/example/apps"), "git@github.com/example/apps");
  EXPECT_EQ(normalize_git_url("ssh://git@github.com:example/apps"), "");  // invalid port
  EXPECT_EQ(normalize_git_url("https://github.com:8443/x"), "https://github.com:8443/x");
  EXPECT_EQ(normalize_git_url("https://example.com/%zz"), "");
  EXPECT_EQ(normalize_git_url(":foo"), "");
}

// TestAppProject_IsDestinationPermitted and TestAppProject_IsNegatedDestinationPermitted.
TEST(ArgoAppProject, DestinationPermitted) {
  struct Case {
    std::vector<ProjectDestination> project;
    const char* server;
    const char* name;
    const char* namespace_;
    bool permitted;
  };
  const std::string svc = "https://kubernetes.default.svc";
  const Case cases[] = {
      {{{svc, "", "default"}}, svc.c_str(), "", "default", true},
      {{{svc, "", "default"}}, svc.c_str(), "", "kube-system", false},
      {{{"https://my-cluster", "", "default"}}, svc.c_str(), "", "default", false},
      {{{svc, "", "*"}}, svc.c_str(), "", "kube-system", true},
      {{{"https://*.default.svc", "", "default"}}, svc.c_str(), "", "default", true},
      {{{"https://team1-*", "", "default"}}, "https://test2-dev-cluster", "", "default", false},
      {{{svc, "", "test-*"}}, svc.c_str(), "", "test-foo", true},
      {{{svc, "", "test-*"}}, svc.c_str(), "", "test", false},
      {{{"*", "", "*"}}, svc.c_str(), "", "test", true},
      {{{"", "test", "*"}}, "", "test", "test", true},
      {{{"", "test2", "*"}}, "", "test", "test", false},
      {{{svc, "host-cluster", "!{kube-system,argocd}"},
        {"https://eks-cluster-endpoint.ap-southeast-1.eks.amazonaws.com", "destination-cluster-01",
         "*"}},
       "https://eks-cluster-endpoint.ap-southeast-1.eks.amazonaws.com",
       "",
       "kube-system",
       true},
      // negated
      {{{"!" + svc, "", "default"}}, svc.c_str(), "", "default", false},
      {{{svc, "", "!default"}}, svc.c_str(), "", "kube-system", true},
      {{{"!https://my-cluster", "", "default"}}, svc.c_str(), "", "default", true},
      {{{"!" + svc, "", "*"}}, svc.c_str(), "", "kube-system", false},
      {{{"!https://*.default.svc", "", "default"}}, svc.c_str(), "", "default", false},
      {{{"!https://team1-*", "", "default"}}, "https://test2-dev-cluster", "", "default", true},
      {{{svc, "", "!test-*"}}, svc.c_str(), "", "test-foo", false},
      {{{svc, "", "!test-*"}}, svc.c_str(), "", "test", true},
      {{{"", "!test", "*"}}, "", "test", "test", false},
      {{{"", "!test2", "*"}}, "", "test", "test", true},
      {{{"*", "", "kube-system"}, {"*", "", "!kube-system"}},
       svc.c_str(),
       "",
       "kube-system",
       false},
      {{{"*", "", "*"}, {"*", "", "!kube-system"}}, svc.c_str(), "", "kube-system", false},
      {{{svc, "", "*"}, {"!" + svc, "", "*"}}, svc.c_str(), "", "kube-system", false},
      {{{"*", "", "*"}, {"!" + svc, "", "kube-system"}}, svc.c_str(), "", "kube-system", false},
      {{{"*", "", "*"}, {"!" + svc, "", "kube-system"}, {"*", "", "!kube-system"}},
       svc.c_str(),
       "",
       "kube-system",
       false},
      {{{"*", "", "*"}, {"!" + svc, "", "kube-system"}, {"*", "", "!kube-system"}},
       svc.c_str(),
       "",
       "default",
       true},
      {{{"*", "", "*"}, {"!" + svc, "", "kube-system"}, {"*", "", "!kube-system"}},
       "https://test-dev-cluster",
       "",
       "kube-system",
       false},
      {{{"", "test", "*"}, {"", "!test", "*"}}, "", "test", "test", false},
      {{{"*", "", "test"}, {"!https://test-server", "", "other"}},
       "https://test-server",
       "",
       "test",
       true},
      {{{"*", "", "*"}, {"https://test-server", "", "!other"}},
       "https://other-test-server",
       "",
       "other",
       true},
  };
  int row = 0;
  for (const Case& c : cases)
    EXPECT_EQ(destination_permitted(with_destinations(c.project), c.server, c.name, c.namespace_),
              c.permitted)
        << "row " << row++ << ": " << c.server << c.name << " " << c.namespace_;
  AppProject scoped = with_destinations({{"*", "", "*"}});
  scoped.permit_only_project_scoped_clusters = true;
  EXPECT_FALSE(destination_permitted(scoped, svc, "in-cluster", "default"));
}

// TestAppProject_IsGroupKindPermitted.
TEST(ArgoAppProject, ResourcePermitted) {
  AppProject p1;
  p1.has_namespace_resource_whitelist = true;  // present but empty: nothing namespaced
  p1.namespace_resource_blacklist = {{"apps", "Deployment", ""}};
  EXPECT_FALSE(resource_permitted(p1, "apps", "ReplicaSet", true));
  EXPECT_FALSE(resource_permitted(p1, "apps", "Deployment", true));

  AppProject p2;
  p2.has_namespace_resource_whitelist = true;
  p2.namespace_resource_whitelist = {{"apps", "ReplicaSet", ""}};
  p2.namespace_resource_blacklist = {{"apps", "Deployment", ""}};
  EXPECT_TRUE(resource_permitted(p2, "apps", "ReplicaSet", true));
  EXPECT_FALSE(resource_permitted(p2, "apps", "Action", true));

  AppProject p3;
  p3.cluster_resource_blacklist = {{"", "Namespace", ""}};
  EXPECT_FALSE(resource_permitted(p3, "", "Namespace", false));

  AppProject p4;
  p4.cluster_resource_whitelist = {{"*", "*", ""}};
  p4.cluster_resource_blacklist = {{"*", "*", ""}};
  EXPECT_FALSE(resource_permitted(p4, "", "Namespace", false));
  EXPECT_TRUE(resource_permitted(p4, "apps", "Action", true));

  AppProject p5;
  p5.has_namespace_resource_whitelist = true;
  p5.namespace_resource_whitelist = {{"*", "*", ""}};
  EXPECT_FALSE(resource_permitted(p5, "", "Namespace", false));
  EXPECT_TRUE(resource_permitted(p5, "apps", "Action", true));

  AppProject p6;  // cluster-scoped kinds are denied unless whitelisted
  EXPECT_FALSE(resource_permitted(p6, "", "Namespace", false));
  EXPECT_TRUE(resource_permitted(p6, "apps", "Action", true));

  AppProject p7;
  p7.cluster_resource_whitelist = {{"", "Namespace", "team1-*"}};
  EXPECT_FALSE(resource_permitted(p7, "", "Namespace", false, "other-namespace"));
  EXPECT_TRUE(resource_permitted(p7, "", "Namespace", false, "team1-namespace"));

  AppProject p8;  // Go's filepath.Match: '?', classes; a bad pattern matches nothing
  p8.cluster_resource_whitelist = {{"rbac.authorization.k8s.io", "Cluster?ole*", ""},
                                   {"[", "*", ""}};
  EXPECT_TRUE(resource_permitted(p8, "rbac.authorization.k8s.io", "ClusterRoleBinding", false));
  EXPECT_FALSE(resource_permitted(p8, "[", "Thing", false));
}

TEST(ArgoAppProject, DefaultProjectPermitsEverything) {
  AppProject p = default_project("argocd");
  EXPECT_EQ(p.name, "default");
  EXPECT_EQ(p.namespace_, "argocd");
  EXPECT_TRUE(source_permitted(p, "https://anything.example/x.git"));
  EXPECT_TRUE(destination_permitted(p, "https://kubernetes.default.svc", "in-cluster", "any"));
  EXPECT_TRUE(resource_permitted(p, "", "Namespace", false));
  EXPECT_TRUE(resource_permitted(p, "rbac.authorization.k8s.io", "ClusterRole", false));
  EXPECT_TRUE(resource_permitted(p, "apps", "Deployment", true));
  EXPECT_FALSE(project_refusal(p, app("  source: {repoURL: https://x/y.git, path: .}\n"
                                      "  destination: {name: in-cluster, namespace: web}\n")));
}

TEST(ArgoAppProject, RefusalMessagesAreArgos) {
  AppProject p = project(
      "  sourceRepos: ['https://github.com/example/*']\n"
      "  destinations: [{server: 'https://kubernetes.default.svc', namespace: 'team-*'}]\n");
  auto refusal = [&](std::string_view spec) {
    return project_refusal(p, app(spec)).value_or("permitted");
  };
  const std::string ok_source = "  source: {repoURL: https://github.com/example/a.git, path: .}\n";
  EXPECT_EQ(refusal(ok_source + "  destination: {server: https://kubernetes.default.svc/, "
                                "namespace: team-a}\n"),
            "permitted");
  EXPECT_EQ(refusal("  source: {repoURL: https://gitlab.com/other/a.git, path: .}\n"
                    "  destination: {server: https://kubernetes.default.svc, namespace: team-a}\n"),
            "application repo https://gitlab.com/other/a.git is not permitted in project 'team'");
  EXPECT_EQ(refusal(ok_source +
                    "  destination: {server: https://kubernetes.default.svc, namespace: prod}\n"),
            "application destination server 'https://kubernetes.default.svc' and namespace 'prod' "
            "do not match any of the allowed destinations in project 'team'");
  EXPECT_EQ(refusal(ok_source + "  destination: {name: in-cluster, namespace: prod}\n"),
            "application destination server 'in-cluster' and namespace 'prod' do not match any of "
            "the allowed destinations in project 'team'");
  EXPECT_EQ(refusal(ok_source + "  destination: {name: in-cluster, namespace: team-a}\n"),
            "permitted");
  EXPECT_EQ(refusal(ok_source + "  destination: {name: prod, server: https://prod}\n"),
            "application destination can't have both name and server defined: prod https://prod");
  EXPECT_EQ(refusal(ok_source + "  destination: {server: https://prod.example.com/}\n"),
            "error getting cluster by server \"https://prod.example.com/\": rpc error: code = "
            "NotFound desc = cluster \"https://prod.example.com\" not found");
  EXPECT_EQ(refusal(ok_source + "  destination: {name: prod}\n"),
            "there are no clusters with this name: prod");
  EXPECT_EQ(refusal(ok_source + "  destination: {namespace: team-a}\n"),
            "Destination server missing from app spec");
  EXPECT_EQ(refusal("  source: {repoURL: https://github.com/example/a.git}\n"
                    "  destination: {name: in-cluster, namespace: team-a}\n"),
            "spec.source.repoURL and either spec.source.path or spec.source.chart are required");
  EXPECT_EQ(refusal("  source: {repoURL: https://github.com/example/a.git, chart: web}\n"
                    "  destination: {name: in-cluster, namespace: team-a}\n"),
            "spec.source.targetRevision is required if the manifest source is a helm chart");
  EXPECT_EQ(refusal("  sources:\n  - {repoURL: https://github.com/example/a.git, "
                    "targetRevision: main}\n"
                    "  destination: {name: in-cluster, namespace: team-a}\n"),
            "spec.source.repoURL and either source.path, source.chart, or source.ref are required "
            "for source {https://github.com/example/a.git  main "
            "%!s(*v1alpha1.ApplicationSourceHelm=<nil>) "
            "%!s(*v1alpha1.ApplicationSourceKustomize=<nil>) "
            "%!s(*v1alpha1.ApplicationSourceDirectory=<nil>) "
            "%!s(*v1alpha1.ApplicationSourcePlugin=<nil>)    }");
  // Every condition, in Argo's order: each source, then the destination.
  std::vector<std::string> all =
      project_refusals(p, app("  sources:\n  - {repoURL: https://gitlab.com/a.git, path: .}\n"
                              "  - {repoURL: https://gitlab.com/b.git, ref: values}\n"
                              "  destination: {name: in-cluster, namespace: prod}\n"));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], "application repo https://gitlab.com/a.git is not permitted in project 'team'");
  EXPECT_EQ(all[1], "application repo https://gitlab.com/b.git is not permitted in project 'team'");
  EXPECT_NE(all[2].find("do not match any of the allowed destinations"), std::string::npos);
}

TEST(ArgoAppProject, AppNamespaces) {
  AppProject p = project("  sourceNamespaces: ['team-*']\n");
  Application a = app("  source: {repoURL: https://x/y.git, path: .}\n");
  EXPECT_FALSE(app_namespace_refusal(p, a));  // the project's own namespace
  a.namespace_ = "team-a";
  EXPECT_FALSE(app_namespace_refusal(p, a));
  a.namespace_ = "other";
  EXPECT_EQ(app_namespace_refusal(p, a).value_or(""),
            "application 'guestbook' in namespace 'other' is not permitted to use project 'team'");
}

TEST(ArgoAppProject, ResourceRefusals) {
  AppProject p = project(
      "  destinations: [{server: '*', namespace: 'team-*'}]\n"
      "  clusterResourceWhitelist: [{group: '', kind: Namespace}]\n");
  Application a =
      app("  source: {repoURL: https://x/y.git, path: .}\n"
          "  destination: {name: in-cluster, namespace: team-a}\n");
  EXPECT_FALSE(
      resource_refusal(p, a, yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: n}"), false));
  EXPECT_EQ(resource_refusal(p, a,
                             yaml("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
                                  "metadata: {name: admin}"),
                             false)
                .value_or(""),
            "resource rbac.authorization.k8s.io:ClusterRole is not permitted in project team");
  EXPECT_FALSE(resource_refusal(p, a,
                                yaml("apiVersion: apps/v1\nkind: Deployment\n"
                                     "metadata: {name: web}"),
                                true));  // in the destination namespace
  EXPECT_EQ(resource_refusal(p, a,
                             yaml("apiVersion: apps/v1\nkind: Deployment\n"
                                  "metadata: {name: web, namespace: kube-system}"),
                             true)
                .value_or(""),
            "namespace kube-system is not permitted in project 'team'");
}

}  // namespace
}  // namespace plumb::argo

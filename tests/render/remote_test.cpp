// Remote bases through the RemoteFetcher seam: repositories are MemoryFileSystems handed out
// by a fake fetcher, so the loader rules (own root, root-only, no way out of the repository,
// repository cycles), fetch-once and the errors are checked without a network. Fetching for
// real and the byte-for-byte comparison with kubectl are in remote_bases.sh.
#include <gtest/gtest.h>

#include <map>

#include "core/fs.hpp"
#include "core/yaml.hpp"
#include "render/build.hpp"

namespace plumb::render {
namespace {

class FakeFetcher final : public RemoteFetcher {
 public:
  // The repository served for a clone URL; every ref gives the same files.
  std::shared_ptr<MemoryFileSystem> repo(const std::string& clone_url) {
    auto& fs = m_repos[clone_url];
    if (!fs) fs = std::make_shared<MemoryFileSystem>();
    return fs;
  }
  Result<RemoteTree> fetch(const RepoSpec& spec) override {
    ++calls;
    last_ref = spec.ref;
    auto it = m_repos.find(spec.clone_spec());
    if (it == m_repos.end()) return fail("git: fetch ", spec.clone_spec(), ": no such repository");
    if (spec.ref == "v9") return fail("no such ref");
    return RemoteTree{it->second, std::string(40, 'a')};
  }
  int calls = 0;
  std::string last_ref;

 private:
  std::map<std::string, std::shared_ptr<MemoryFileSystem>> m_repos;
};

constexpr std::string_view k_config_map = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: "1"
)";

class Remote : public ::testing::Test {
 protected:
  Result<std::string> build(std::string_view dir, LoadRestrictor restrictor) {
    BuildOptions options;
    options.remote = &m_fetcher;
    options.restrictor = restrictor;
    auto docs = build_kustomization(m_local, dir, options);
    if (!docs) return std::unexpected(docs.error());
    return to_yaml_stream(*docs);
  }
  std::string build_ok(std::string_view dir,
                       LoadRestrictor restrictor = LoadRestrictor::root_only) {
    auto out = build(dir, restrictor);
    EXPECT_TRUE(out) << (out ? "" : out.error().message());
    return out ? *out : "";
  }
  std::string build_error(std::string_view dir,
                          LoadRestrictor restrictor = LoadRestrictor::root_only) {
    auto out = build(dir, restrictor);
    EXPECT_FALSE(out) << "expected an error, got:\n" << (out ? *out : "");
    return out ? "" : out.error().message();
  }
  void overlay(std::string_view text) {
    m_local.add_file("/work/overlay/kustomization.yaml", std::string(text));
  }

  MemoryFileSystem m_local;
  FakeFetcher m_fetcher;
};

TEST_F(Remote, BaseIsBuiltAsItsOwnRootInTheRepository) {
  auto repo = m_fetcher.repo("https://git.example.com/org/repo");
  repo->add_file("/apps/web/kustomization.yaml", "resources:\n- cm.yaml\nnamePrefix: web-\n");
  repo->add_file("/apps/web/cm.yaml", std::string(k_config_map));
  overlay("resources:\n- https://git.example.com/org/repo//apps/web?ref=v1\nnamespace: prod\n");
  std::string out = build_ok("/work/overlay");
  EXPECT_NE(out.find("name: web-settings\n  namespace: prod\n"), std::string::npos) << out;
  EXPECT_EQ(m_fetcher.last_ref, "v1");
}

TEST_F(Remote, RepositoryRootAsBaseDoesNotLookLikeACycle) {
  // The repository's "/" contains every path of its own tree, not the local overlay's.
  auto repo = m_fetcher.repo("https://git.example.com/org/repo");
  repo->add_file("/kustomization.yaml", "resources:\n- cm.yaml\n");
  repo->add_file("/cm.yaml", std::string(k_config_map));
  overlay("resources:\n- https://git.example.com/org/repo?ref=v1\n");
  EXPECT_NE(build_ok("/work/overlay").find("name: settings"), std::string::npos);
}

TEST_F(Remote, SameRepositoryAndRefIsFetchedOnce) {
  auto repo = m_fetcher.repo("https://git.example.com/org/repo");
  repo->add_file("/a/kustomization.yaml", "resources:\n- ../cm.yaml\nnamePrefix: a-\n");
  repo->add_file("/b/kustomization.yaml", "resources:\n- ../cm.yaml\nnamePrefix: b-\n");
  repo->add_file("/cm.yaml", std::string(k_config_map));
  overlay(
      "resources:\n- https://git.example.com/org/repo//a?ref=v1\n"
      "- https://git.example.com/org/repo//b?ref=v1\n");
  auto out =
      build("/work/overlay",
            LoadRestrictor::none);  // the overlay's restrictor does not reach into the repository
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message().find("is not in or below"), std::string::npos)
      << out.error().message();
  repo->add_file("/a/cm.yaml", std::string(k_config_map));
  repo->add_file("/b/cm.yaml", std::string(k_config_map));
  repo->add_file("/a/kustomization.yaml", "resources:\n- cm.yaml\nnamePrefix: a-\n");
  repo->add_file("/b/kustomization.yaml", "resources:\n- cm.yaml\nnamePrefix: b-\n");
  m_fetcher.calls = 0;
  std::string text = build_ok("/work/overlay");
  EXPECT_NE(text.find("name: a-settings"), std::string::npos) << text;
  EXPECT_NE(text.find("name: b-settings"), std::string::npos) << text;
  EXPECT_EQ(m_fetcher.calls, 1);
}

TEST_F(Remote, LocalBasesInsideTheRepositoryMayNotLeaveIt) {
  auto repo = m_fetcher.repo("https://git.example.com/org/repo");
  repo->add_file("/kustomization.yaml", "resources:\n- ../outside\n");
  overlay("resources:\n- https://git.example.com/org/repo?ref=v1\n");
  std::string error = build_error("/work/overlay", LoadRestrictor::none);
  EXPECT_NE(error.find("must be within the repo"), std::string::npos) << error;
  EXPECT_NE(error.find("resources: https://git.example.com/org/repo?ref=v1: "), std::string::npos)
      << error;
  repo->add_file("/kustomization.yaml", "resources:\n- ../../etc/passwd\n");
  error = build_error("/work/overlay", LoadRestrictor::none);
  EXPECT_NE(error.find("base '../../etc/passwd' is outside https://git.example.com/org/repo"),
            std::string::npos)
      << error;
  repo->add_file("/kustomization.yaml", "configMapGenerator:\n- name: x\n  files:\n  - ../x\n");
  error = build_error("/work/overlay", LoadRestrictor::none);
  EXPECT_NE(error.find("security; file '../x' is not in or below '/'"), std::string::npos) << error;
}

TEST_F(Remote, RepositoryNamingItselfIsACycle) {
  auto repo = m_fetcher.repo("https://git.example.com/org/repo");
  repo->add_file("/base/kustomization.yaml",
                 "resources:\n- https://git.example.com/org/repo//base?ref=v1\n");
  overlay("resources:\n- https://git.example.com/org/repo//base?ref=v1\n");
  std::string error = build_error("/work/overlay");
  EXPECT_NE(error.find("cycle detected: URI 'https://git.example.com/org/repo//base?ref=v1'"),
            std::string::npos)
      << error;
}

TEST_F(Remote, RemoteComponentWorksOnTheParentsResources) {
  auto repo = m_fetcher.repo("https://git.example.com/org/components");
  repo->add_file("/label/kustomization.yaml",
                 "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                 "commonLabels:\n  team: a\n");
  m_local.add_file("/work/overlay/cm.yaml", std::string(k_config_map));
  overlay("resources:\n- cm.yaml\ncomponents:\n- https://git.example.com/org/components//label\n");
  std::string out = build_ok("/work/overlay");
  EXPECT_NE(out.find("labels:\n    team: a"), std::string::npos) << out;
  EXPECT_EQ(m_fetcher.last_ref, "");  // no ref: the remote's HEAD
}

TEST_F(Remote, FetchErrorsNameEntryAndRefAndHideThePassword) {
  overlay("resources:\n- https://bot:t0ken@git.example.com/org/repo//base?ref=v1\n");
  std::string error = build_error("/work/overlay");
  EXPECT_NE(error.find("/work/overlay/kustomization.yaml: resources: "
                       "https://bot:***@git.example.com/org/repo//base?ref=v1: fetching ref v1: "
                       "git: fetch https://bot:***@git.example.com/org/repo: no such repository"),
            std::string::npos)
      << error;
  EXPECT_EQ(error.find("t0ken"), std::string::npos) << error;
  m_fetcher.repo("https://git.example.com/org/repo");
  overlay("resources:\n- https://git.example.com/org/repo//base?ref=v9\n");
  error = build_error("/work/overlay");
  EXPECT_NE(error.find("resources: https://git.example.com/org/repo//base?ref=v9: fetching ref "
                       "v9: no such ref"),
            std::string::npos)
      << error;
}

TEST_F(Remote, MissingOrFileKustomizationRootIsAnError) {
  auto repo = m_fetcher.repo("https://git.example.com/org/repo");
  repo->add_file("/cm.yaml", std::string(k_config_map));
  overlay("resources:\n- https://git.example.com/org/repo//nothing?ref=v1\n");
  EXPECT_NE(build_error("/work/overlay").find("'nothing' is not a directory of the repository"),
            std::string::npos);
  overlay("resources:\n- https://git.example.com/org/repo//cm.yaml?ref=v1\n");
  EXPECT_NE(build_error("/work/overlay").find("'cm.yaml' refers to a file"), std::string::npos);
}

TEST_F(Remote, OriginAnnotationsNameRepositoryAndRef) {
  auto repo = m_fetcher.repo("https://git.example.com/org/repo");
  repo->add_file("/apps/web/kustomization.yaml",
                 "resources:\n- cm.yaml\nconfigMapGenerator:\n- name: gen\n  literals:\n  - "
                 "a=b\n");
  repo->add_file("/apps/web/cm.yaml", std::string(k_config_map));
  overlay(
      "resources:\n- https://git.example.com/org/repo//apps/web?ref=v1\n"
      "buildMetadata: [originAnnotations]\n");
  std::string out = build_ok("/work/overlay");
  EXPECT_NE(out.find("config.kubernetes.io/origin: |\n      path: apps/web/cm.yaml\n      repo: "
                     "https://git.example.com/org/repo\n      ref: v1\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("config.kubernetes.io/origin: |\n      repo: https://git.example.com/org/"
                     "repo\n      ref: v1\n      configuredIn: apps/web/kustomization.yaml\n"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace plumb::render

// The git generator over a real repository made with the git CLI and read through Plumb's git
// source (with_git_revision): directories as the repo-server walks a checkout, files as
// `git ls-files -- PATTERN` lists them (checked against the git CLI itself), and the
// Applications following the repository's commits.
#include <gtest/gtest.h>

#include <cstdio>

#include "argo/appset_test_util.hpp"
#include "source/git.hpp"
#include "source/git_repo.hpp"
#include "support/require.hpp"

namespace plumb::argo {
namespace {

class AppSetGit : public source::GitRepoTest {
 protected:
  void SetUp() override {
    PLUMB_REQUIRE(test_support::have_tool("git"), "git is not installed");
    GitRepoTest::SetUp();
  }

  GenerateInput input() {
    if (!m_source) m_source.emplace(open());
    GenerateInput in;
    in.repos = [this](const std::string& url, const std::string& revision, const RepoUse& use) {
      EXPECT_EQ(url, "file://" + m_repo);
      return with_git_revision(*m_source, revision, use);
    };
    return in;
  }

  std::vector<std::string> app_names(const std::string& spec) {
    auto generated = generate_applications(read_appset(spec), input());
    EXPECT_TRUE(generated) << generated.error().error.message();
    std::vector<std::string> names;
    if (generated) {
      for (const Node& app : generated->valid)
        names.emplace_back(app.string_at({"metadata", "name"}));
    }
    return names;
  }

  // `git ls-files -- PATTERN` in the work tree, sorted.
  std::vector<std::string> ls_files(const std::string& pattern) {
    std::string quoted = "'";
    for (char c : pattern)
      quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    quoted += "'";
    FILE* out =
        popen(("git -C " + m_repo + " ls-files -z -- " + quoted + " 2>/dev/null").c_str(), "r");
    std::string text;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, out)) > 0)
      text.append(buffer, n);
    pclose(out);
    std::vector<std::string> files;
    size_t start = 0, end;
    while ((end = text.find('\0', start)) != std::string::npos) {
      files.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  std::optional<source::GitSource> m_source;
};

std::string directories_spec(const std::string& repo, std::string_view revision) {
  return "generators:\n- git:\n    repoURL: file://" + repo +
         "\n    revision: " + std::string(revision) +
         "\n    directories: [{path: 'apps/*'}]\n"
         "template:\n  metadata: {name: '{{path.basename}}'}\n"
         "  spec: {project: default, source: {repoURL: 'file://" +
         repo + "', path: '{{path}}'}}";
}

TEST_F(AppSetGit, DirectoriesFollowTheCommits) {
  write("apps/web/kustomization.yaml", "resources: []\n");
  write("apps/api/kustomization.yaml", "resources: []\n");
  write("apps/db/kustomization.yaml", "resources: []\n");
  write("apps/.hidden/kustomization.yaml", "resources: []\n");
  link("apps/web-link", "web");  // a symlink is not a directory to the repo-server's walk
  write("README.md", "x\n");
  commit("three apps");
  EXPECT_EQ(app_names(directories_spec(m_repo, "HEAD")),
            (std::vector<std::string>{"api", "db", "web"}));

  write("apps/queue/kustomization.yaml", "resources: []\n");
  std::string four = commit("a fourth");
  EXPECT_EQ(app_names(directories_spec(m_repo, "main")),
            (std::vector<std::string>{"api", "db", "queue", "web"}));

  git("-C " + m_repo + " rm -q -r apps/db");
  commit("db removed");
  EXPECT_EQ(app_names(directories_spec(m_repo, "")),
            (std::vector<std::string>{"api", "queue", "web"}));
  // A revision is any ref or commit Argo accepts.
  EXPECT_EQ(app_names(directories_spec(m_repo, four)),
            (std::vector<std::string>{"api", "db", "queue", "web"}));
}

TEST_F(AppSetGit, DirectoriesAreWalkedDepthFirstInNameOrder) {
  for (const char* d : {"a/b", "a-b", "a/c/d", "b"})
    write(std::string(d) + "/f", "x\n");
  write(".github/workflows/ci.yaml", "x\n");
  std::string head = commit("tree");
  source::GitSource src = open();
  std::vector<std::string> dirs;
  ASSERT_TRUE(with_git_revision(src, head, [&](const RepoSnapshot& repo) -> Result<void> {
    EXPECT_EQ(repo.commit, head);
    dirs = TRY(appset::git_directories(*repo.files));
    return {};
  }));
  // filepath.WalkDir: "a" and what it holds before "a-b" (an entry order, not a path order).
  EXPECT_EQ(dirs, (std::vector<std::string>{"a", "a/b", "a/c", "a/c/d", "a-b", "b"}));
}

TEST_F(AppSetGit, FilesAreWhatGitLsFilesLists) {
  for (const char* f :
       {"apps/web/config.json", "apps/web/nested/config.json", "apps/api/config.yaml",
        "apps/api/values.yaml", "cluster-config/dev/config.json", "cluster-config/config.json",
        "abc/x", "a/c/x", "a-c/x", "*x", "dir with space/f.yaml", "a[/b", "top.yaml", "b.yaml",
        "apps-old/config.json"})
    write(f, "{}\n");
  link("apps/link.yaml", "api/values.yaml");
  std::string head = commit("files");
  source::GitSource src = open();
  const char* patterns[] = {"*",
                            "*.yaml",
                            "apps",
                            "apps/",
                            "apps/*/config.json",
                            "apps/**/config.json",
                            "**/config.json",
                            "cluster-config/**/config.json",
                            "a?c/x",
                            "[ab]*",
                            "[!a]*",
                            "apps/[[:alpha:]]*/config.*",
                            ".",
                            "./apps/web",
                            "apps/../cluster-config",
                            "\\*x",
                            "dir with space/*",
                            "a[/b",
                            "*/*/*",
                            "apps/web/config.json",
                            "app",
                            "nothing/*"};
  ASSERT_TRUE(with_git_revision(src, head, [&](const RepoSnapshot& repo) -> Result<void> {
    for (const char* pattern : patterns) {
      auto files = appset::git_files(*repo.files, pattern);
      EXPECT_TRUE(files) << pattern;
      if (files) {
        EXPECT_EQ(*files, ls_files(pattern)) << pattern;
      }
    }
    auto everything = appset::git_files(*repo.files, "");
    EXPECT_TRUE(everything && everything->size() == 16u);
    EXPECT_FALSE(appset::git_files(*repo.files, "../outside"));
    return {};
  }));
}

TEST_F(AppSetGit, FilesGeneratorOverTheRepository) {
  write(
      "cluster-config/engineering/dev/config.json",
      R"({"aws_account": "123456", "asset_id": "11223344", "cluster": {"owner": "cluster-admin@company.com", "name": "engineering-dev", "address": "https://1.2.3.4"}})");
  write(
      "cluster-config/engineering/prod/config.json",
      R"({"aws_account": "123456", "asset_id": "11223344", "cluster": {"owner": "cluster-admin@company.com", "name": "engineering-prod", "address": "https://1.2.3.4"}})");
  commit("configs");
  std::string spec = "generators:\n- git:\n    repoURL: file://" + m_repo +
                     "\n    revision: HEAD\n"
                     "    files: [{path: 'cluster-config/**/config.json'}]\n"
                     "template:\n  metadata: {name: '{{cluster.name}}-guestbook'}\n"
                     "  spec:\n    project: default\n"
                     "    destination: {server: '{{cluster.address}}', namespace: guestbook}\n"
                     "    source: {repoURL: x, path: 'apps/{{path.basename}}'}";
  auto generated = generate_applications(read_appset(spec), input());
  ASSERT_TRUE(generated) << generated.error().error.message();
  ASSERT_EQ(generated->valid.size(), 2u);
  EXPECT_EQ(generated->valid[0].string_at({"metadata", "name"}), "engineering-dev-guestbook");
  EXPECT_EQ(generated->valid[0].string_at({"spec", "source", "path"}), "apps/dev");
  EXPECT_EQ(generated->valid[1].string_at({"spec", "destination", "server"}), "https://1.2.3.4");
}

TEST_F(AppSetGit, AMissingBranchNamesTheRepository) {
  write("apps/web/k.yaml", "x\n");
  commit("one");
  auto generated = generate_applications(read_appset(directories_spec(m_repo, "nope")), input());
  ASSERT_FALSE(generated);
  EXPECT_EQ(generated.error().reason, GenerateReason::params);
  EXPECT_EQ(generated.error().error.message(),
            "ApplicationSet argocd/set: spec.generators[0].git: file://" + m_repo +
                " at nope: no such ref");
}

}  // namespace
}  // namespace plumb::argo

#include "source/git.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace plumb::source {
namespace {

namespace fs = std::filesystem;

// A real repository made with the git CLI, and a cache directory for GitSource.
class GitRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/plumb-git-test-XXXXXX";
    m_dir = mkdtemp(pattern);
    m_repo = m_dir + "/repo";
    git("init -q -b main " + m_repo);
    git("-C " + m_repo + " config user.email t@example.com");
    git("-C " + m_repo + " config user.name t");
  }
  void TearDown() override { fs::remove_all(m_dir); }

  static void git(const std::string& args) {
    ASSERT_EQ(std::system(("git " + args + " >/dev/null 2>&1").c_str()), 0) << args;
  }
  void write(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(m_repo + "/" + path).parent_path());
    std::ofstream(m_repo + "/" + path) << text;
  }
  std::string commit(const std::string& message) {
    git("-C " + m_repo + " add -A");
    git("-C " + m_repo + " commit -q -m '" + message + "'");
    return head();
  }
  std::string head() {
    std::string out = m_dir + "/head";
    std::system(("git -C " + m_repo + " rev-parse HEAD > " + out).c_str());
    std::string hex;
    std::ifstream(out) >> hex;
    return hex;
  }
  GitSource open() { return GitSource::open(m_dir + "/cache", "file://" + m_repo).value(); }

  std::string m_dir, m_repo;
};

TEST_F(GitRepoTest, FetchesABranchAndReadsItsFilesWithoutCheckout) {
  write("apps/web/deploy.yaml", "kind: Deployment\n");
  write("README.md", "hello\n");
  std::string first = commit("first");
  GitSource source = open();
  Revision rev = source.fetch({.branch = "main"}, {}).value();
  EXPECT_EQ(rev.commit, first);
  EXPECT_EQ(rev.text, "main@sha1:" + first);
  auto files = source.files(rev.commit).value();
  EXPECT_EQ(files->read_file("apps/web/deploy.yaml").value(), "kind: Deployment\n");
  EXPECT_EQ(files->read_file("/README.md").value(), "hello\n");
  EXPECT_EQ(files->list_dir("/").value(), (std::vector<std::string>{"README.md", "apps"}));
  EXPECT_TRUE(files->is_dir("apps/web"));
  EXPECT_FALSE(files->is_file("apps/web"));
  EXPECT_FALSE(files->read_file("missing.yaml"));

  // A new commit: the remote moved, the revision follows.
  write("apps/web/deploy.yaml", "kind: Deployment\nspec: {}\n");
  std::string second = commit("second");
  EXPECT_EQ(source.remote_revision({.branch = "main"}, {}).value().commit, second);
  Revision next = source.fetch({.branch = "main"}, {}).value();
  EXPECT_EQ(next.commit, second);
  EXPECT_EQ(source.files(second).value()->read_file("apps/web/deploy.yaml").value(),
            "kind: Deployment\nspec: {}\n");
  // The old commit is still readable from the cache.
  EXPECT_EQ(source.files(first).value()->read_file("apps/web/deploy.yaml").value(),
            "kind: Deployment\n");
}

TEST_F(GitRepoTest, TagsSemverAndCommits) {
  write("v.txt", "1\n");
  std::string c1 = commit("one");
  git("-C " + m_repo + " tag v1.0.0");
  write("v.txt", "2\n");
  std::string c2 = commit("two");
  git("-C " + m_repo + " tag -a v1.2.0 -m annotated");
  write("v.txt", "3\n");
  commit("three");
  git("-C " + m_repo + " tag v2.0.0-rc.1");
  GitSource source = open();
  EXPECT_EQ(source.fetch({.tag = "v1.0.0"}, {}).value().text, "v1.0.0@sha1:" + c1);
  // An annotated tag resolves to its commit.
  EXPECT_EQ(source.fetch({.semver = ">=1.0.0 <2.0.0"}, {}).value().text, "v1.2.0@sha1:" + c2);
  EXPECT_EQ(source.fetch({.branch = "main", .commit = c1}, {}).value().text, "main@sha1:" + c1);
  EXPECT_EQ(source.files(c2).value()->read_file("v.txt").value(), "2\n");
  auto none = source.fetch({.semver = ">=3.0.0"}, {});
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message().find("no tag matches semver range >=3.0.0"), std::string::npos);
}

TEST_F(GitRepoTest, MissingBranchAndUnreachableRemoteAreErrors) {
  write("a.txt", "a\n");
  commit("a");
  GitSource source = open();
  auto missing = source.fetch({.branch = "nope"}, {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("branch nope not found"), std::string::npos);
  GitSource gone = GitSource::open(m_dir + "/cache", "file://" + m_dir + "/no-such-repo").value();
  auto unreachable = gone.fetch({.branch = "main"}, {});
  ASSERT_FALSE(unreachable);
  EXPECT_NE(unreachable.error().message().find("no-such-repo"), std::string::npos);
}

TEST_F(GitRepoTest, SymlinksAreFollowedInsideTheRepositoryOnly) {
  write("base/cm.yaml", "kind: ConfigMap\n");
  fs::create_directory_symlink("base", m_repo + "/alias");
  fs::create_symlink("../../../etc/passwd", m_repo + "/base/escape");
  std::string c = commit("links");
  GitSource source = open();
  source.fetch({.branch = "main"}, {}).value();
  auto files = source.files(c).value();
  EXPECT_EQ(files->read_file("alias/cm.yaml").value(), "kind: ConfigMap\n");
  EXPECT_EQ(files->resolve("alias/cm.yaml").value(), "/base/cm.yaml");
  auto escape = files->read_file("base/escape");
  ASSERT_FALSE(escape);
  EXPECT_NE(escape.error().message().find("points outside the repository"), std::string::npos);
}

}  // namespace
}  // namespace plumb::source

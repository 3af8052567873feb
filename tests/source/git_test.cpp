#include "source/git.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "source/git_repo.hpp"

namespace plumb::source {
namespace {

namespace fs = std::filesystem;

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
  EXPECT_NE(missing.error().message().find("branch nope not found; the branches are: main"),
            std::string::npos)
      << missing.error().message();
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

std::string rev_parse(const std::string& repo, const std::string& spec) {
  std::string out = repo + "/../rev";
  std::system(("git -C " + repo + " rev-parse " + spec + " > " + out).c_str());
  std::string hex;
  std::ifstream(out) >> hex;
  return hex;
}

TEST_F(GitRepoTest, ContentIdsAreObjectIdsFoundThroughSymlinks) {
  write("base/cm.yaml", "kind: ConfigMap\n");
  fs::create_directory_symlink("base", m_repo + "/alias");
  std::string c = commit("ids");
  GitSource source = open();
  source.fetch({.branch = "main"}, {}).value();
  auto files = source.files(c).value();
  EXPECT_EQ(files->content_id("base/cm.yaml"), "b" + rev_parse(m_repo, "HEAD:base/cm.yaml"));
  EXPECT_EQ(files->content_id("/alias/cm.yaml"), files->content_id("base/cm.yaml"));
  EXPECT_EQ(files->content_id("base"), "t" + rev_parse(m_repo, "HEAD:base"));
  EXPECT_EQ(files->content_id("/"), "t" + rev_parse(m_repo, "HEAD^{tree}"));
  EXPECT_EQ(files->content_id("base/missing.yaml"), "");
  EXPECT_EQ(files->content_id("base/cm.yaml/below"), "");
}

}  // namespace
}  // namespace plumb::source

namespace plumb::source {
namespace {

// spec.ref.semver picks the tag as source-controller does, with Masterminds semver v3: tags
// with or without "v", "1.2" as 1.2.0, the highest that matches; a pre-release only when
// every comparator it meets names one (then any pre-release, not only of the same version as
// npm has it); "1" and "=>1.0" are ranges.
TEST(HighestMatchingTag, ChoosesAsMastermindsSemver) {
  const std::vector<std::string> tags = {"v1.0.0", "1.2",        "v1.2.4-rc.1", "1.3.0-rc.1",
                                         "v1.3.0", "v2.0.0",     "latest",      "v10.0.0-beta",
                                         "0.9.0",  "v1.10.0-x.1"};
  struct Row {
    const char* range;
    const char* tag;  // "" when none matches
  };
  for (const Row& row : std::vector<Row>{
           {"*", "v2.0.0"},
           {">=1.0.0 <2.0.0", "v1.3.0"},
           {"~1.2", "1.2"},
           {">=1.2.3-rc.1", "v10.0.0-beta"},
           {">=1.0.0-0 <1.3.0", "1.2"},  // each comparator must name a pre-release
           {"!=1.3.0, <2.0.0", "1.2"},
           {"1", "v1.3.0"},
           {"=>1.0", "v2.0.0"},
           {">=3.0.0", ""},
       }) {
    auto got = highest_matching_tag(tags, row.range);
    ASSERT_TRUE(got) << row.range << ": " << got.error().message();
    EXPECT_EQ(got->value_or(""), row.tag) << row.range;
  }
  auto bad = highest_matching_tag(tags, "not a range");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "invalid semver range \"not a range\"");
}

}  // namespace
}  // namespace plumb::source

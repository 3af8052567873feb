// RepoSpec parsing against kustomize v5.5.0's own test table (api/internal/git/
// repospec_test.go: TestNewRepoSpecFromUrl_Permute, TestNewRepoSpecFromUrlErrors,
// TestNewRepoSpecFromUrl_Smoke, TestParseQuery), carried over as data.
#include <gtest/gtest.h>

#include "render/repo_spec.hpp"

namespace plumb::render {
namespace {

struct HostCase {
  const char* raw;
  const char* normalized;
};

// Every host form with every repository, path and ref.
TEST(RepoSpec, PermutedHostsPathsAndRefs) {
  const HostCase hosts[] = {
      {"gitHub.com/", "https://github.com/"},
      {"github.com:", "https://github.com/"},
      {"http://github.com/", "https://github.com/"},
      {"https://github.com/", "https://github.com/"},
      {"hTTps://github.com/", "https://github.com/"},
      {"https://git-codecommit.us-east-2.amazonaws.com/",
       "https://git-codecommit.us-east-2.amazonaws.com/"},
      {"https://fabrikops2.visualstudio.com/", "https://fabrikops2.visualstudio.com/"},
      {"ssh://git.example.com:7999/", "ssh://git.example.com:7999/"},
      {"git::https://gitlab.com/", "https://gitlab.com/"},
      {"git::http://git.example.com/", "http://git.example.com/"},
      {"git::https://git.example.com/", "https://git.example.com/"},
      {"git@github.com:", "git@github.com:"},
      {"git@github.com/", "git@github.com:"},
      {"git::git@github.com:", "git@github.com:"},
      {"org-12345@github.com:", "org-12345@github.com:"},
      {"org-12345@github.com/", "org-12345@github.com:"},
  };
  const char* repos[] = {"someOrg/someRepo", "kubernetes/website"};
  const char* paths[] = {"README.md", "foo/krusty.txt", ""};
  const char* refs[] = {"group/version", "someBranch", "master", "v0.1.0", ""};
  int checked = 0;
  for (const HostCase& host : hosts) {
    for (std::string repo : repos) {
      for (std::string path : paths) {
        for (std::string ref : refs) {
          std::string url = host.raw + repo + (path.empty() ? "" : "/" + path);
          if (!ref.empty()) url += "?ref=" + ref;
          auto spec = parse_repo_spec(url);
          ASSERT_TRUE(spec) << url << ": " << spec.error().message();
          EXPECT_EQ(spec->host, host.normalized) << url;
          EXPECT_EQ(spec->repo_path, repo) << url;
          EXPECT_EQ(spec->kust_root_path, path) << url;
          EXPECT_EQ(spec->ref, ref) << url;
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 16 * 2 * 3 * 5);
}

struct ErrorCase {
  const char* name;
  const char* url;
  const char* error;
};

TEST(RepoSpec, RefusesWhatIsNotAGitUrl) {
  const ErrorCase cases[] = {
      {"absolute_path", "/tmp", "uri looks like abs path"},
      {"relative path", "../../tmp", "failed to parse scheme"},
      {"local path that looks somewhat like a github url", "src/github.com/org/repo/path",
       "failed to parse scheme"},
      {"no_slashes", "iauhsdiuashduas", "failed to parse scheme"},
      {"bad_scheme", "htxxxtp://github.com/", "failed to parse scheme"},
      {"no_org_repo", "ssh://git.example.com", "failed to parse repo path segment"},
      {"hashicorp_git_only", "git::___", "failed to parse scheme"},
      {"query_after_host", "https://host?ref=group/version/minor_version",
       "failed to parse repo path segment"},
      {"path_exits_repo", "https://github.com/org/repo.git//path/../../exits/repo",
       "url path exits repo"},
      {"bad github separator", "github.com!org/repo.git//path", "failed to parse scheme"},
      {"mysterious gh: prefix previously supported is no longer handled", "gh:org/repo",
       "failed to parse scheme"},
      {"invalid Github url missing orgrepo", "https://github.com/thisisa404.yaml",
       "failed to parse repo path segment"},
      {"unsupported protocol after username (invalid)", "git@scp://github.com/org/repo.git//path",
       "failed to parse repo path segment"},
      {"supported protocol after username (invalid)", "git@ssh://github.com/org/repo.git//path",
       "failed to parse repo path segment"},
      {"file protocol with excessive slashes", "file:////tmp//path/to/whatever",
       "failed to parse repo path segment"},
  };
  for (const ErrorCase& c : cases) {
    auto spec = parse_repo_spec(c.url);
    ASSERT_FALSE(spec) << c.name << ": " << c.url << " parsed as " << spec->clone_spec();
    EXPECT_NE(spec.error().message().find(c.error), std::string::npos)
        << c.name << ": " << spec.error().message();
  }
}

struct SmokeCase {
  const char* name;
  const char* input;
  const char* clone_spec;
  const char* host;
  const char* repo_path;
  const char* kust_root_path;
  const char* ref;
};

TEST(RepoSpec, ParsesKustomizesSmokeTable) {
  const SmokeCase cases[] = {
      {"https aws code commit url",
       "https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo/somedir",
       "https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo",
       "https://git-codecommit.us-east-2.amazonaws.com/", "someorg/somerepo", "somedir", ""},
      {"https aws code commit url with params",
       "https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo/somedir?ref=testbranch",
       "https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo",
       "https://git-codecommit.us-east-2.amazonaws.com/", "someorg/somerepo", "somedir",
       "testbranch"},
      {"legacy azure https url with params",
       "https://fabrikops2.visualstudio.com/someorg/somerepo?ref=master",
       "https://fabrikops2.visualstudio.com/someorg/somerepo",
       "https://fabrikops2.visualstudio.com/", "someorg/somerepo", "", "master"},
      {"http github url without git suffix", "http://github.com/someorg/somerepo/somedir",
       "https://github.com/someorg/somerepo", "https://github.com/", "someorg/somerepo", "somedir",
       ""},
      {"scp github url without git suffix", "git@github.com:someorg/somerepo/somedir",
       "git@github.com:someorg/somerepo", "git@github.com:", "someorg/somerepo", "somedir", ""},
      {"http github url with git suffix", "http://github.com/someorg/somerepo.git/somedir",
       "https://github.com/someorg/somerepo.git", "https://github.com/", "someorg/somerepo.git",
       "somedir", ""},
      {"scp github url with git suffix", "git@github.com:someorg/somerepo.git/somedir",
       "git@github.com:someorg/somerepo.git", "git@github.com:", "someorg/somerepo.git", "somedir",
       ""},
      {"non-github_scp", "git@gitlab2.sqtools.ru:infra/kubernetes/thanos-base.git?ref=v0.1.0",
       "git@gitlab2.sqtools.ru:infra/kubernetes/thanos-base.git",
       "git@gitlab2.sqtools.ru:", "infra/kubernetes/thanos-base.git", "", "v0.1.0"},
      {"non-github_scp with path delimiter",
       "git@bitbucket.org:company/project.git//path?ref=branch",
       "git@bitbucket.org:company/project.git", "git@bitbucket.org:", "company/project.git", "path",
       "branch"},
      {"non-github_scp incorrectly using slash (invalid but currently passed through to git)",
       "git@bitbucket.org/company/project.git//path?ref=branch",
       "git@bitbucket.org/company/project.git", "git@bitbucket.org/", "company/project.git", "path",
       "branch"},
      {"non-github_git-user_ssh", "ssh://git@bitbucket.org/company/project.git//path?ref=branch",
       "ssh://git@bitbucket.org/company/project.git", "ssh://git@bitbucket.org/",
       "company/project.git", "path", "branch"},
      {"_git host delimiter in non-github url",
       "https://itfs.mycompany.com/collection/project/_git/somerepos",
       "https://itfs.mycompany.com/collection/project/_git/somerepos",
       "https://itfs.mycompany.com/", "collection/project/_git/somerepos", "", ""},
      {"_git host delimiter in non-github url with params",
       "https://itfs.mycompany.com/collection/project/_git/somerepos?version=v1.0.0",
       "https://itfs.mycompany.com/collection/project/_git/somerepos",
       "https://itfs.mycompany.com/", "collection/project/_git/somerepos", "", "v1.0.0"},
      {"_git host delimiter in non-github url with kust root path and params",
       "https://itfs.mycompany.com/collection/project/_git/somerepos/somedir?version=v1.0.0",
       "https://itfs.mycompany.com/collection/project/_git/somerepos",
       "https://itfs.mycompany.com/", "collection/project/_git/somerepos", "somedir", "v1.0.0"},
      {"_git host delimiter in non-github url with no kust root path",
       "git::https://itfs.mycompany.com/collection/project/_git/somerepos",
       "https://itfs.mycompany.com/collection/project/_git/somerepos",
       "https://itfs.mycompany.com/", "collection/project/_git/somerepos", "", ""},
      {"https bitbucket url with git suffix",
       "https://bitbucket.example.com/scm/project/repository.git",
       "https://bitbucket.example.com/scm/project/repository.git", "https://bitbucket.example.com/",
       "scm/project/repository.git", "", ""},
      {"ssh aws code commit url",
       "ssh://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo/somepath",
       "ssh://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo",
       "ssh://git-codecommit.us-east-2.amazonaws.com/", "someorg/somerepo", "somepath", ""},
      {"scp Github with slash fixed to colon", "git@github.com/someorg/somerepo/somepath",
       "git@github.com:someorg/somerepo", "git@github.com:", "someorg/somerepo", "somepath", ""},
      {"https Github with double slash path delimiter and params",
       "https://github.com/kubernetes-sigs/kustomize//examples/multibases/dev/?ref=v1.0.6",
       "https://github.com/kubernetes-sigs/kustomize", "https://github.com/",
       "kubernetes-sigs/kustomize", "examples/multibases/dev/", "v1.0.6"},
      {"file protocol with git-suffixed repo path and params",
       "file://a/b/c/someRepo.git/somepath?ref=someBranch", "file://a/b/c/someRepo.git", "file://",
       "a/b/c/someRepo.git", "somepath", "someBranch"},
      {"file protocol with two slashes, with kust root path and params",
       "file://a/b/c/someRepo//somepath?ref=someBranch", "file://a/b/c/someRepo", "file://",
       "a/b/c/someRepo", "somepath", "someBranch"},
      {"file protocol with two slashes, with ref and no kust root path",
       "file://a/b/c/someRepo?ref=someBranch", "file://a/b/c/someRepo", "file://", "a/b/c/someRepo",
       "", "someBranch"},
      {"file protocol with three slashes, with ref and no kust root path",
       "file:///a/b/c/someRepo?ref=someBranch", "file:///a/b/c/someRepo", "file://",
       "/a/b/c/someRepo", "", "someBranch"},
      {"ssh Github with double-slashed path delimiter and params",
       "ssh://git@github.com/kubernetes-sigs/kustomize//examples/multibases/dev?ref=v1.0.6",
       "git@github.com:kubernetes-sigs/kustomize", "git@github.com:", "kubernetes-sigs/kustomize",
       "examples/multibases/dev", "v1.0.6"},
      {"file protocol with three slashes, no kust root path or params", "file:///a/b/c/someRepo",
       "file:///a/b/c/someRepo", "file://", "/a/b/c/someRepo", "", ""},
      {"file protocol with three slashes, no repo or kust root path or params", "file:///",
       "file:///", "file://", "/", "", ""},
      {"arbitrary https host with double-slash path delimiter",
       "https://example.org/path/to/repo//examples/multibases/dev",
       "https://example.org/path/to/repo", "https://example.org/", "path/to/repo",
       "examples/multibases/dev", ""},
      {"arbitrary https host with .git repo suffix",
       "https://example.org/path/to/repo.git/examples/multibases/dev",
       "https://example.org/path/to/repo.git", "https://example.org/", "path/to/repo.git",
       "examples/multibases/dev", ""},
      {"arbitrary ssh host with double-slash path delimiter",
       "ssh://alice@example.com/path/to/repo//examples/multibases/dev",
       "ssh://alice@example.com/path/to/repo", "ssh://alice@example.com/", "path/to/repo",
       "examples/multibases/dev", ""},
      {"query_slash", "https://authority/org/repo?ref=group/version", "https://authority/org/repo",
       "https://authority/", "org/repo", "", "group/version"},
      {"query_git_delimiter", "https://authority/org/repo/?ref=includes_git/for_some_reason",
       "https://authority/org/repo", "https://authority/", "org/repo", "",
       "includes_git/for_some_reason"},
      {"query_git_suffix", "https://authority/org/repo/?ref=includes.git/for_some_reason",
       "https://authority/org/repo", "https://authority/", "org/repo", "",
       "includes.git/for_some_reason"},
      {"non_parsable_path",
       "https://authority/org/repo/%-invalid-uri-so-not-parsable-by-net/url.Parse",
       "https://authority/org/repo", "https://authority/", "org/repo",
       "%-invalid-uri-so-not-parsable-by-net/url.Parse", ""},
      {"non-git username with non-github host",
       "ssh://myusername@bitbucket.org/ourteamname/ourrepositoryname.git//path?ref=branch",
       "ssh://myusername@bitbucket.org/ourteamname/ourrepositoryname.git",
       "ssh://myusername@bitbucket.org/", "ourteamname/ourrepositoryname.git", "path", "branch"},
      {"username-like filepath with file protocol",
       "file://git@home/path/to/repository.git//path?ref=branch",
       "file://git@home/path/to/repository.git", "file://", "git@home/path/to/repository.git",
       "path", "branch"},
      {"username with http protocol (invalid but currently passed through to git)",
       "http://git@home.com/path/to/repository.git//path?ref=branch",
       "http://git@home.com/path/to/repository.git", "http://git@home.com/",
       "path/to/repository.git", "path", "branch"},
      {"username with https protocol (invalid but currently passed through to git)",
       "https://git@home.com/path/to/repository.git//path?ref=branch",
       "https://git@home.com/path/to/repository.git", "https://git@home.com/",
       "path/to/repository.git", "path", "branch"},
      {"complex github ssh url from docs",
       "ssh://git@ssh.github.com:443/YOUR-USERNAME/YOUR-REPOSITORY.git",
       "ssh://git@ssh.github.com:443/YOUR-USERNAME/YOUR-REPOSITORY.git",
       "ssh://git@ssh.github.com:443/", "YOUR-USERNAME/YOUR-REPOSITORY.git", "", ""},
      {"colon behind slash not scp delimiter", "git@gitlab.com/user:name/YOUR-REPOSITORY.git/path",
       "git@gitlab.com/user:name/YOUR-REPOSITORY.git", "git@gitlab.com/",
       "user:name/YOUR-REPOSITORY.git", "path", ""},
      {"gitlab URLs with explicit git suffix", "git@gitlab.com:gitlab-tests/sample-project.git",
       "git@gitlab.com:gitlab-tests/sample-project.git",
       "git@gitlab.com:", "gitlab-tests/sample-project.git", "", ""},
      {"gitlab URLs without explicit git suffix", "git@gitlab.com:gitlab-tests/sample-project",
       "git@gitlab.com:gitlab-tests/sample-project",
       "git@gitlab.com:", "gitlab-tests/sample-project", "", ""},
      {"azure host with _git and // path separator",
       "https://username@dev.azure.com/org/project/_git/repo//path/to/kustomization/root",
       "https://username@dev.azure.com/org/project/_git/repo", "https://username@dev.azure.com/",
       "org/project/_git/repo", "path/to/kustomization/root", ""},
      {"legacy format azure host with _git",
       "https://org.visualstudio.com/project/_git/repo/path/to/kustomization/root",
       "https://org.visualstudio.com/project/_git/repo", "https://org.visualstudio.com/",
       "project/_git/repo", "path/to/kustomization/root", ""},
      {"ssh on github with custom username for custom ssh certificate authority",
       "ssh://org-12345@github.com/kubernetes-sigs/kustomize",
       "org-12345@github.com:kubernetes-sigs/kustomize",
       "org-12345@github.com:", "kubernetes-sigs/kustomize", "", ""},
      {"scp on github with custom username for custom ssh certificate authority",
       "org-12345@github.com/kubernetes-sigs/kustomize",
       "org-12345@github.com:kubernetes-sigs/kustomize",
       "org-12345@github.com:", "kubernetes-sigs/kustomize", "", ""},
      {"scp format gist url", "git@gist.github.com:bc7947cb727d7f9217e7862d961a1ffd.git",
       "git@gist.github.com:bc7947cb727d7f9217e7862d961a1ffd.git",
       "git@gist.github.com:", "bc7947cb727d7f9217e7862d961a1ffd.git", "", ""},
      {"https gist url", "https://gist.github.com/bc7947cb727d7f9217e7862d961a1ffd.git",
       "https://gist.github.com/bc7947cb727d7f9217e7862d961a1ffd.git", "https://gist.github.com/",
       "bc7947cb727d7f9217e7862d961a1ffd.git", "", ""},
  };
  for (const SmokeCase& c : cases) {
    auto spec = parse_repo_spec(c.input);
    ASSERT_TRUE(spec) << c.name << ": " << spec.error().message();
    EXPECT_EQ(spec->clone_spec(), c.clone_spec) << c.name;
    EXPECT_EQ(spec->host, c.host) << c.name;
    EXPECT_EQ(spec->repo_path, c.repo_path) << c.name;
    EXPECT_EQ(spec->kust_root_path, c.kust_root_path) << c.name;
    EXPECT_EQ(spec->ref, c.ref) << c.name;
    EXPECT_EQ(spec->raw, c.input) << c.name;
  }
}

TEST(RepoSpec, DefaultsSubmodulesOnAndTimeout27s) {
  auto spec = parse_repo_spec("https://github.com/org/repo");
  ASSERT_TRUE(spec);
  EXPECT_TRUE(spec->submodules);
  EXPECT_EQ(spec->timeout.count(), 27000);
}

struct QueryCase {
  const char* name;
  const char* query;
  const char* ref;
  bool submodules;
  long long timeout_ms;
};

TEST(RepoSpec, ReadsQueryParametersWithDefaultsForBadValues) {
  const QueryCase cases[] = {
      {"empty", "", "", true, 27000},
      {"ref", "ref=v1.0.0", "v1.0.0", true, 27000},
      {"ref_slash", "ref=kustomize/v4.5.7", "kustomize/v4.5.7", true, 27000},
      {"version", "version=master", "master", true, 27000},
      {"ref_and_version", "version=master&ref=v1.0.0", "v1.0.0", true, 27000},
      {"empty_submodules", "version=master&submodules=", "master", true, 27000},
      {"bad_submodules", "version=master&submodules=maybe", "master", true, 27000},
      {"submodules_true", "version=master&submodules=true", "master", true, 27000},
      {"submodules_false", "version=master&submodules=false", "master", false, 27000},
      {"empty_timeout", "version=master&timeout=", "master", true, 27000},
      {"bad_timeout", "version=master&timeout=jiffy", "master", true, 27000},
      {"zero_timeout", "version=master&timeout=0", "master", true, 27000},
      {"zero_unit_timeout", "version=master&timeout=0s", "master", true, 27000},
      {"timeout", "version=master&timeout=61", "master", true, 61000},
      {"timeout_unit", "version=master&timeout=1m1s", "master", true, 61000},
      {"all", "version=master&submodules=false&timeout=1m1s", "master", false, 61000},
      // Go's url.ParseQuery refuses the whole query for one bad pair: defaults everywhere.
      {"semicolon", "ref=v1;x&submodules=false", "", true, 27000},
      {"bad_escape", "ref=v1&timeout=%zz", "", true, 27000},
      {"escaped_ref", "ref=release%2F1.0", "release/1.0", true, 27000},
  };
  for (const QueryCase& c : cases) {
    auto spec = parse_repo_spec(std::string("https://github.com/org/repo?") + c.query);
    ASSERT_TRUE(spec) << c.name;
    EXPECT_EQ(spec->ref, c.ref) << c.name;
    EXPECT_EQ(spec->submodules, c.submodules) << c.name;
    EXPECT_EQ(spec->timeout.count(), c.timeout_ms) << c.name;
  }
}

TEST(RepoSpec, RedactsPasswordsInUrls) {
  EXPECT_EQ(redact_url("https://user:s3cret@host/org/repo"), "https://user:***@host/org/repo");
  EXPECT_EQ(redact_url("https://x:a@b@host/r?ref=v1"), "https://x:***@host/r?ref=v1");
  EXPECT_EQ(redact_url("git@github.com:org/repo"), "git@github.com:org/repo");
  EXPECT_EQ(redact_url("https://host/org/repo?ref=a:b@c"), "https://host/org/repo?ref=a:b@c");
}

}  // namespace
}  // namespace plumb::render

// What `plumb up` sets up before its loop starts: the repository URL from a path, the git
// hook of a local repository (run here with a fake curl), the "Try:" lines, the port hint.
#include "cli/up_setup.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/flags.hpp"

namespace plumb::cli {
namespace {

namespace fs = std::filesystem;

class UpSetupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/plumb-up-setup-test-XXXXXX";
    m_dir = mkdtemp(pattern);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  static void sh(const std::string& command) {
    ASSERT_EQ(std::system((command + " >/dev/null 2>&1").c_str()), 0) << command;
  }
  static std::string read(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  std::string m_dir;
};

TEST(RepositoryUrl, LocalPathsBecomeAbsoluteFileUrls) {
  EXPECT_EQ(repository_url("/srv/git/fleet/"), "file:///srv/git/fleet");
  EXPECT_EQ(repository_url("/srv/git/./fleet/../fleet"), "file:///srv/git/fleet");
  std::string cwd = fs::current_path().string();
  EXPECT_EQ(repository_url("./myrepo"), "file://" + cwd + "/myrepo");
  EXPECT_EQ(repository_url("myrepo"), "file://" + cwd + "/myrepo");
  EXPECT_EQ(repository_url("../up/repo"),
            "file://" + fs::current_path().parent_path().string() + "/up/repo");
}

TEST(RepositoryUrl, UrlsStayAsGiven) {
  for (const char* url : {"https://github.com/acme/fleet", "ssh://git@github.com/acme/fleet.git",
                          "git@github.com:acme/fleet.git", "file:///srv/git/fleet"}) {
    EXPECT_EQ(repository_url(url), url);
  }
  EXPECT_EQ(local_path("file:///srv/git/fleet"), "/srv/git/fleet");
  EXPECT_EQ(local_path("https://github.com/acme/fleet"), "");
}

// The hook, run with a curl that records its arguments: it posts the repository's URL to the
// webhook port plumb up wrote, whatever quotes the paths hold.
TEST_F(UpSetupTest, HookPostsTheRepositoryUrlToTheWebhook) {
  std::string data_dir = m_dir + "/it's data";
  write(data_dir + "/webhook-port", "4321\n");
  write(m_dir + "/bin/curl", "#!/bin/sh\nfor a; do echo \"$a\"; done > '" + m_dir + "/args'\n");
  fs::permissions(m_dir + "/bin/curl", fs::perms::owner_all);
  std::string url = "file:///home/me/it's a repo";
  write(m_dir + "/hook", post_commit_hook(data_dir, url));
  sh("PATH='" + m_dir + "/bin':/usr/bin:/bin PLUMB_WEBHOOK_TOKEN= sh '" + m_dir + "/hook'");
  EXPECT_EQ(read(m_dir + "/args"), "-s\n-m\n5\n-o\n/dev/null\n--data-binary\n" + url +
                                       "\nhttp://127.0.0.1:4321/hook/git\n");
  sh("PATH='" + m_dir + "/bin':/usr/bin:/bin PLUMB_WEBHOOK_TOKEN=tok sh '" + m_dir + "/hook'");
  EXPECT_NE(read(m_dir + "/args").find("-H\nAuthorization: Bearer tok\n"), std::string::npos)
      << read(m_dir + "/args");
  // No port file (plumb up is not running): the commit goes on, nothing is called.
  fs::remove(m_dir + "/args");
  fs::remove(data_dir + "/webhook-port");
  sh("PATH='" + m_dir + "/bin':/usr/bin:/bin sh '" + m_dir + "/hook'");
  EXPECT_FALSE(fs::exists(m_dir + "/args"));
}

TEST_F(UpSetupTest, HookInstalledInAWorkTreeReplacingOnlyPlumbsOwn) {
  std::string repo = m_dir + "/repo";
  sh("git init -q " + repo);
  auto installed = install_post_commit_hook(repo, m_dir + "/one", "file://" + repo);
  ASSERT_TRUE(installed) << installed.error().message();
  fs::path hook = repo + "/.git/hooks/post-commit";
  EXPECT_EQ(*installed, hook.string() + " (each commit is applied at once)");
  EXPECT_NE(fs::status(hook).permissions() & fs::perms::owner_exec, fs::perms::none);
  EXPECT_NE(read(hook).find(m_dir + "/one/webhook-port"), std::string::npos);
  // A later `plumb up` with another data directory replaces its own hook.
  ASSERT_TRUE(install_post_commit_hook(repo, m_dir + "/two", "file://" + repo));
  EXPECT_NE(read(hook).find(m_dir + "/two/webhook-port"), std::string::npos);
  // The user's own hook is kept, and the line says so.
  write(hook, "#!/bin/sh\necho mine\n");
  auto kept = install_post_commit_hook(repo, m_dir + "/two", "file://" + repo);
  ASSERT_TRUE(kept);
  EXPECT_NE(kept->find("not installing a post-commit hook: " + hook.string() + " exists"),
            std::string::npos)
      << *kept;
  EXPECT_EQ(read(hook), "#!/bin/sh\necho mine\n");
}

TEST_F(UpSetupTest, HookGoesWhereGitRunsIt) {
  std::string bare = m_dir + "/bare.git";
  sh("git init -q --bare " + bare);
  auto pushed = install_post_commit_hook(bare, m_dir, "file://" + bare);
  ASSERT_TRUE(pushed) << pushed.error().message();
  EXPECT_TRUE(fs::exists(bare + "/hooks/post-receive"));
  EXPECT_NE(pushed->find("each push is applied at once"), std::string::npos);

  std::string repo = m_dir + "/repo";
  sh("git init -q " + repo + " && git -C " + repo + " config core.hooksPath .githooks");
  ASSERT_TRUE(install_post_commit_hook(repo, m_dir, "file://" + repo));
  EXPECT_TRUE(fs::exists(repo + "/.githooks/post-commit"));

  EXPECT_FALSE(install_post_commit_hook(m_dir + "/not-a-repo", m_dir, "file:///x"));
}

TEST_F(UpSetupTest, GitCommitNeedsNoFlagsWhereGitKnowsTheUser) {
  std::string repo = m_dir + "/repo";
  sh("git init -q " + repo + " && git -C " + repo + " config user.name me && git -C " + repo +
     " config user.email me@example.com");
  EXPECT_EQ(git_commit_command(repo), "git commit");
}

// The edit the Try: lines suggest is one more replica than the overlay has now, so the lines
// still change something after a restart.
TEST_F(UpSetupTest, ReplicaEditFollowsTheRepository) {
  EXPECT_FALSE(next_replica_edit(m_dir));
  write(m_dir + "/apps/staging/kustomization.yaml", "patch: |\n  - op: replace\n    value: 3\n");
  auto edit = next_replica_edit(m_dir);
  ASSERT_TRUE(edit);
  EXPECT_EQ(edit->next, 4);
  EXPECT_EQ(edit->sed, "sed -i 's/value: 3/value: 4/' apps/staging/kustomization.yaml");
  write(m_dir + "/apps/staging/kustomization.yaml", "replicas: []\n");
  EXPECT_FALSE(next_replica_edit(m_dir));
}

TEST_F(UpSetupTest, TryLinesSayWhichKubeconfigOnlyWhenTheUsersWasLeftAlone) {
  write(m_dir + "/repo/apps/staging/kustomization.yaml", "    value: 2\n");
  StartupReport report{.server = "https://127.0.0.1:6443",
                       .url = "file://" + m_dir + "/repo",
                       .branch = "main",
                       .path = "./clusters/local",
                       .data_dir = m_dir,
                       .generated_kubeconfig = m_dir + "/kubeconfig",
                       .webhook = "http://127.0.0.1:9/hook/git",
                       .examples = true,
                       .user_kubeconfig = "/home/me/.kube/config"};
  std::string lines = startup_lines(report);
  EXPECT_NE(lines.find("plumb up: kubeconfig  /home/me/.kube/config (context plumb, now current"),
            std::string::npos)
      << lines;
  EXPECT_EQ(lines.find("export KUBECONFIG"), std::string::npos) << lines;
  EXPECT_NE(lines.find("sed -i 's/value: 2/value: 3/' apps/staging/kustomization.yaml &&\n    git"),
            std::string::npos)
      << lines;
  EXPECT_NE(lines.find(" commit -qam '3 replicas'"), std::string::npos) << lines;

  report.user_kubeconfig.clear();
  report.kubeconfig_note = "(--no-kubeconfig: your kubeconfig is left alone)";
  lines = startup_lines(report);
  EXPECT_NE(lines.find("Try:\n  export KUBECONFIG=" + m_dir + "/kubeconfig\n"), std::string::npos)
      << lines;
}

TEST(ListenError, ATakenPortSuggestsPortZero) {
  Error taken("127.0.0.1:6443: Address already in use");
  EXPECT_EQ(listen_error(taken, "--port", 6443),
            "127.0.0.1:6443: Address already in use\n  port 6443 is taken (another plumb up or "
            "plumb cluster?): --port 0 picks a free port");
  EXPECT_EQ(listen_error(taken, "--port", 0), taken.message());
  Error other("127.0.0.1:80: Permission denied");
  EXPECT_EQ(listen_error(other, "--webhook-port", 80), other.message());
}

}  // namespace
}  // namespace plumb::cli

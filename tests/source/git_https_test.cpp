// GitSource over HTTPS against a real server: git http-backend (smart HTTP) behind a small
// python3 TLS server, with certificates made by the openssl CLI for each test.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "source/git.hpp"
#include "source/git_repo.hpp"
#include "support/require.hpp"

extern char** environ;

namespace plumb::source {
namespace {

bool have(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// https_git_server.py serving a directory; stopped (by its pid) when destroyed.
class HttpsServer {
 public:
  HttpsServer(const std::string& root, const std::string& cert, const std::string& key) {
    int out[2];
    if (pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::string script = PLUMB_SOURCE_DIR "/tests/source/https_git_server.py";
    const char* argv[] = {"python3",    script.c_str(), root.c_str(),
                          cert.c_str(), key.c_str(),    nullptr};
    if (posix_spawnp(&m_pid, "python3", &actions, nullptr, const_cast<char**>(argv), environ) !=
        0) {
      m_pid = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    FILE* lines = fdopen(out[0], "r");
    if (lines && std::fscanf(lines, "%d", &m_port) != 1) m_port = 0;
    if (lines) std::fclose(lines);
  }
  ~HttpsServer() {
    if (m_pid <= 0) return;
    kill(m_pid, SIGTERM);
    waitpid(m_pid, nullptr, 0);
  }
  int port() const { return m_port; }

 private:
  pid_t m_pid = -1;
  int m_port = 0;
};

void openssl(const std::string& dir, const std::string& args) {
  ASSERT_EQ(std::system(("cd " + dir + " && openssl " + args + " >/dev/null 2>&1").c_str()), 0)
      << args;
}

void make_ca(const std::string& dir, const std::string& name) {
  openssl(dir,
          "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -keyout " +
              name + ".key -out " + name + ".crt -subj /CN=" + name +
              " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign");
}

void make_server_cert(const std::string& dir, const std::string& name, const std::string& ca,
                      const std::string& names) {
  std::ofstream(dir + "/" + name + ".ext")
      << "subjectAltName=" << names << "\nextendedKeyUsage=serverAuth\n";
  openssl(dir, "req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + name +
                   ".key -out " + name + ".csr -subj /CN=" + name);
  openssl(dir, "x509 -req -days 2 -in " + name + ".csr -CA " + ca + ".crt -CAkey " + ca +
                   ".key -CAcreateserial -out " + name + ".crt -extfile " + name + ".ext");
}

class GitHttpsTest : public GitRepoTest {
 protected:
  // Two CAs and two server certificates signed by "ca", made once for every test.
  static void SetUpTestSuite() {
    s_available = test_support::have_tool("python3") && test_support::have_tool("openssl") &&
                  have("test -x \"$(git --exec-path)/git-http-backend\"");
    if (!s_available) return;
    char pattern[] = "/tmp/plumb-pki-XXXXXX";
    s_pki = mkdtemp(pattern);
    make_ca(s_pki, "ca");
    make_ca(s_pki, "other-ca");
    make_server_cert(s_pki, "server", "ca", "IP:127.0.0.1,DNS:localhost");
    make_server_cert(s_pki, "elsewhere", "ca", "DNS:git.example.com");
  }
  static void TearDownTestSuite() {
    if (!s_pki.empty()) std::filesystem::remove_all(s_pki);
  }

  void SetUp() override {
    PLUMB_REQUIRE(s_available, "needs python3, openssl and git-http-backend");
    GitRepoTest::SetUp();
    write("apps/cm.yaml", "kind: ConfigMap\n");
    m_commit = commit("first");
  }

  static std::string pem(const std::string& name) { return read_text(s_pki + "/" + name + ".crt"); }

  // Fetches the repository from https://HOST:PORT/repo, a server presenting `cert`, trusting
  // ca_pem.
  Result<Revision> fetch(const std::string& cert, const std::string& ca_pem,
                         const std::string& cache = "cache",
                         const std::string& host = "127.0.0.1") {
    HttpsServer server(m_dir, s_pki + "/" + cert + ".crt", s_pki + "/" + cert + ".key");
    if (server.port() == 0) return fail("the test server did not start");
    std::string url = "https://" + host + ":" + std::to_string(server.port()) + "/repo";
    GitSource source = GitSource::open(m_dir + "/" + cache, url).value();
    return source.fetch({.branch = "main"}, {.ca_pem = ca_pem});
  }

  static std::string message(const Result<Revision>& result) {
    return result ? std::string("fetched ") + result->text : result.error().message();
  }

  static inline bool s_available = false;
  static inline std::string s_pki;
  std::string m_commit;
};

TEST_F(GitHttpsTest, FetchesWhenTheCaIsGiven) {
  auto revision = fetch("server", pem("ca"));
  ASSERT_TRUE(revision) << message(revision);
  EXPECT_EQ(revision->commit, m_commit);
  // A bundle with an unrelated CA first works as well.
  auto bundle = fetch("server", pem("other-ca") + pem("ca"), "cache2");
  EXPECT_TRUE(bundle) << message(bundle);
  // By DNS name.
  auto by_name = fetch("server", pem("ca"), "cache3", "localhost");
  EXPECT_TRUE(by_name) << message(by_name);
}

TEST_F(GitHttpsTest, WithoutTheCaTheCertificateIsNotTrusted) {
  auto revision = fetch("server", "");
  ASSERT_FALSE(revision);
  EXPECT_NE(message(revision).find("TLS certificate of 127.0.0.1 is not trusted by the system's "
                                   "certificate authorities (no ca.crt given)"),
            std::string::npos)
      << message(revision);
}

TEST_F(GitHttpsTest, TrustIsPerRemoteNotProcessWide) {
  ASSERT_TRUE(fetch("server", pem("ca"), "trusting"));
  auto after = fetch("server", "", "untrusting");
  ASSERT_FALSE(after);
  EXPECT_NE(message(after).find("not trusted"), std::string::npos) << message(after);
}

TEST_F(GitHttpsTest, AnotherCaIsRefused) {
  auto revision = fetch("server", pem("other-ca"));
  ASSERT_FALSE(revision);
  EXPECT_NE(message(revision).find("nor by ca.crt: unable to get local issuer certificate"),
            std::string::npos)
      << message(revision);
}

TEST_F(GitHttpsTest, ACertificateForAnotherHostIsRefused) {
  auto revision = fetch("elsewhere", pem("ca"));
  ASSERT_FALSE(revision);
  EXPECT_NE(message(revision).find("nor by ca.crt: IP address mismatch"), std::string::npos)
      << message(revision);
}

TEST_F(GitHttpsTest, ABrokenCaIsAnError) {
  auto revision = fetch("server", "not a certificate\n");
  ASSERT_FALSE(revision);
  EXPECT_EQ(message(revision), "ca.crt: no PEM certificate found");
}

}  // namespace
}  // namespace plumb::source

// The webhook receiver: signatures, URL normalisation, and the server over real sockets with
// fake controller callbacks.
#include "controller/webhook.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>

#include "net/raw_http.hpp"
#include "support/require.hpp"

namespace plumb::controller {
namespace {

using namespace net::testing;

// GitHub's documented example delivery ("Validating webhook deliveries").
constexpr std::string_view k_doc_secret = "It's a Secret to Everybody";
constexpr std::string_view k_doc_payload = "Hello, World!";
constexpr std::string_view k_doc_signature =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

TEST(WebhookSignature, MatchesGitHubsDocumentedVector) {
  EXPECT_EQ(github_signature(k_doc_secret, k_doc_payload), k_doc_signature);
  EXPECT_TRUE(github_signature_valid(k_doc_secret, k_doc_payload, k_doc_signature));
}

TEST(WebhookSignature, RefusesAnythingElse) {
  std::string upper = "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17";
  EXPECT_TRUE(github_signature_valid(k_doc_secret, k_doc_payload, upper));
  EXPECT_FALSE(github_signature_valid(k_doc_secret, "Hello, World?", k_doc_signature));
  EXPECT_FALSE(github_signature_valid("another secret", k_doc_payload, k_doc_signature));
  EXPECT_FALSE(github_signature_valid(k_doc_secret, k_doc_payload, k_doc_signature.substr(7)));
  EXPECT_FALSE(github_signature_valid(k_doc_secret, k_doc_payload,
                                      "sha1=757107ea0eb2509fc211221cce984b8a37570b6d"));
  EXPECT_FALSE(github_signature_valid(k_doc_secret, k_doc_payload, ""));
  EXPECT_FALSE(github_signature_valid(k_doc_secret, k_doc_payload,
                                      std::string(k_doc_signature.substr(0, 70))));
}

TEST(WebhookSignature, ConstantTimeEquality) {
  EXPECT_TRUE(constant_time_equal("token", "token"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("token", "tokem"));
  EXPECT_FALSE(constant_time_equal("token", "token2"));
  EXPECT_FALSE(constant_time_equal("", "x"));
}

TEST(WebhookUrls, FormsOfOneRepositoryCompareEqual) {
  struct Case {
    std::string_view url;
    std::string_view normal;
  };
  const Case cases[] = {
      {"https://github.com/org/repo", "github.com/org/repo"},
      {"https://github.com/Org/Repo.git", "github.com/org/repo"},
      {"http://github.com/org/repo/", "github.com/org/repo"},
      {"git@github.com:org/repo.git", "github.com/org/repo"},
      {"ssh://git@github.com/org/repo.git", "github.com/org/repo"},
      {"ssh://git@github.com:22/org/repo", "github.com/org/repo"},
      {"git://github.com/org/repo.git", "github.com/org/repo"},
      {"HTTPS://user:secret@GitLab.Example.com:443/Group/Repo.git/",
       "gitlab.example.com/Group/Repo"},
      {"ssh://git@example.com:2222/x/y.git", "example.com:2222/x/y"},
      {"https://example.com:8443/x/y", "example.com:8443/x/y"},
      {"git@example.com:/srv/y.git", "example.com/srv/y"},
      {"  https://example.com/x  ", "example.com/x"},
      {"file:///srv/git/repo.git/", "file:///srv/git/repo"},
      {"/srv/git/repo", "file:///srv/git/repo"},
      {"s3://bucket/repo", "s3://bucket/repo"},
  };
  for (const Case& c : cases)
    EXPECT_EQ(normalize_git_url(c.url), c.normal) << c.url;
  // Outside GitHub, path case is significant.
  EXPECT_NE(normalize_git_url("https://example.com/A/b"),
            normalize_git_url("https://example.com/a/b"));
  EXPECT_NE(normalize_git_url("https://example.com/a/b"),
            normalize_git_url("https://example.org/a/b"));
}

// --- the server over real sockets ---

constexpr std::string_view k_token = "s3cret-token";
constexpr std::string_view k_secret = "hook-secret";
constexpr std::string_view k_repo_url = "https://github.com/acme/podinfo";

std::string push_payload(std::string_view owner_repo) {
  std::string r(owner_repo);
  return R"({"ref":"refs/heads/main","after":"abc","repository":{"full_name":")" + r +
         R"(","clone_url":"https://github.com/)" + r + R"(.git","ssh_url":"git@github.com:)" + r +
         R"(.git","git_url":"git://github.com/)" + r + R"(.git","html_url":"https://github.com/)" +
         r + R"("}})";
}

// Fakes of the controller's callbacks, recording how they were called.
struct Calls {
  std::mutex mutex;
  std::vector<std::string> refreshed;            // "ns/name"
  std::vector<std::vector<std::string>> by_url;  // each call's urls
};

class WebhookServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server = start({.token = std::string(k_token), .github_secret = std::string(k_secret)});
  }

  std::unique_ptr<WebhookServer> start(WebhookOptions options) {
    WebhookTargets targets{
        .refresh =
            [this](const std::string& ns, const std::string& name,
                   const std::string& /*delivery*/) {
              std::lock_guard lock(calls.mutex);
              calls.refreshed.push_back(ns + "/" + name);
              return ns == "flux-system" && name == "podinfo";
            },
        .refresh_by_url =
            [this](const std::vector<std::string>& urls, const std::string& /*delivery*/) {
              std::lock_guard lock(calls.mutex);
              calls.by_url.push_back(urls);
              for (const std::string& url : urls) {
                if (normalize_git_url(url) == normalize_git_url(k_repo_url)) return 1;
              }
              return 0;
            }};
    auto started = WebhookServer::start(std::move(options), std::move(targets));
    EXPECT_TRUE(started) << started.error().message();
    return started ? std::move(*started) : nullptr;
  }

  Reply github(std::string_view event, std::string_view body,
               std::optional<std::string> signature) {
    std::vector<std::string> headers = {"X-GitHub-Event: " + std::string(event),
                                        "Content-Type: application/json"};
    if (signature) headers.push_back("X-Hub-Signature-256: " + *signature);
    return exchange(server->port(), "POST", "/hook/github", headers, body);
  }

  std::unique_ptr<WebhookServer> server;
  Calls calls;
};

TEST_F(WebhookServerTest, HealthzAndUnknownRoutes) {
  EXPECT_EQ(exchange(server->port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(exchange(server->port(), "POST", "/healthz").status, 405);
  EXPECT_EQ(exchange(server->port(), "GET", "/nope").status, 404);
  EXPECT_EQ(exchange(server->port(), "POST", "/hook/").status, 404);
  EXPECT_EQ(exchange(server->port(), "POST", "/hook/a/b/c").status, 404);
  EXPECT_EQ(exchange(server->port(), "GET", "/hook/flux-system/podinfo").status, 405);
  EXPECT_EQ(exchange(server->port(), "PUT", "/hook/github").status, 405);
  EXPECT_TRUE(calls.refreshed.empty());
}

TEST_F(WebhookServerTest, GenericHookNeedsTheBearerToken) {
  std::string path = "/hook/flux-system/podinfo";
  Reply none = exchange(server->port(), "POST", path);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(exchange(server->port(), "POST", path, {"Authorization: Bearer wrong"}).status, 401);
  EXPECT_EQ(
      exchange(server->port(), "POST", path, {"Authorization: Basic czNjcmV0LXRva2Vu"}).status,
      401);
  EXPECT_TRUE(calls.refreshed.empty()) << "refresh must not run without the token";
  EXPECT_EQ(none.body.find(k_token), std::string::npos);

  std::string auth = "Authorization: Bearer " + std::string(k_token);
  Reply ok = exchange(server->port(), "POST", path, {auth});
  EXPECT_EQ(ok.status, 202) << ok.body;
  EXPECT_EQ(calls.refreshed, std::vector<std::string>{"flux-system/podinfo"});

  Reply missing = exchange(server->port(), "POST", "/hook/flux-system/other", {auth});
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("GitRepository flux-system/other"), std::string::npos)
      << missing.body;
}

TEST_F(WebhookServerTest, GenericHookWithoutTokenConfigured) {
  auto open = start({});
  ASSERT_TRUE(open);
  EXPECT_EQ(exchange(open->port(), "POST", "/hook/flux-system/podinfo").status, 202);
  EXPECT_EQ(exchange(open->port(), "POST", "/hook/flux-system/missing").status, 404);
  EXPECT_EQ(exchange(open->port(), "POST", "/hook/Bad_NS/x").status, 404);
  EXPECT_EQ(calls.refreshed.size(), 2u) << "an invalid name is refused before the lookup";
}

// A local repository's post-commit hook names its URL; every GitRepository with that URL (in
// any of its forms) is fetched, not only one named in the path.
TEST_F(WebhookServerTest, UrlHookRefreshesEveryRepositoryWithThatUrl) {
  std::string auth = "Authorization: Bearer " + std::string(k_token);
  EXPECT_EQ(exchange(server->port(), "POST", "/hook/git", {}, k_repo_url).status, 401);
  EXPECT_TRUE(calls.by_url.empty()) << "refresh must not run without the token";

  Reply ok =
      exchange(server->port(), "POST", "/hook/git", {auth}, "git@github.com:acme/podinfo.git\n");
  EXPECT_EQ(ok.status, 202) << ok.body;
  EXPECT_NE(ok.body.find("fetching 1 GitRepository"), std::string::npos) << ok.body;
  ASSERT_EQ(calls.by_url.size(), 1u);
  EXPECT_EQ(calls.by_url[0], std::vector<std::string>{"git@github.com:acme/podinfo.git"});

  Reply none = exchange(server->port(), "POST", "/hook/git", {auth}, "file:///elsewhere");
  EXPECT_EQ(none.status, 404);
  EXPECT_NE(none.body.find("no GitRepository has the url file:///elsewhere"), std::string::npos)
      << none.body;
  EXPECT_EQ(exchange(server->port(), "POST", "/hook/git", {auth}, "  ").status, 400);
  EXPECT_EQ(exchange(server->port(), "GET", "/hook/git", {auth}).status, 405);
}

TEST_F(WebhookServerTest, GitHubPushWithValidSignatureRefreshesMatchingRepositories) {
  std::string body = push_payload("acme/podinfo");
  Reply reply = github("push", body, github_signature(k_secret, body));
  EXPECT_EQ(reply.status, 202) << reply.body;
  EXPECT_NE(reply.body.find("1 GitRepository"), std::string::npos) << reply.body;
  ASSERT_EQ(calls.by_url.size(), 1u);
  EXPECT_EQ(calls.by_url[0],
            (std::vector<std::string>{
                "https://github.com/acme/podinfo.git", "git@github.com:acme/podinfo.git",
                "git://github.com/acme/podinfo.git", "https://github.com/acme/podinfo"}));

  std::string other = push_payload("acme/other");
  Reply none = github("push", other, github_signature(k_secret, other));
  EXPECT_EQ(none.status, 200);
  EXPECT_NE(none.body.find("no GitRepository matches"), std::string::npos) << none.body;
}

TEST_F(WebhookServerTest, GitHubSignatureMissingOrWrongIs401) {
  std::string body = push_payload("acme/podinfo");
  EXPECT_EQ(github("push", body, std::nullopt).status, 401);
  EXPECT_EQ(github("push", body, github_signature("wrong secret", body)).status, 401);
  EXPECT_EQ(github("push", body, github_signature(k_secret, body + " ")).status, 401);
  EXPECT_EQ(github("push", body, "sha256=").status, 401);
  EXPECT_EQ(github("ping", "{}", std::nullopt).status, 401);
  EXPECT_TRUE(calls.by_url.empty());
}

TEST_F(WebhookServerTest, GitHubPingOtherEventsAndBadPayloads) {
  EXPECT_EQ(github("ping", R"({"zen":"x"})", github_signature(k_secret, R"({"zen":"x"})")).status,
            200);
  std::string issue = R"({"action":"opened"})";
  Reply ignored = github("issues", issue, github_signature(k_secret, issue));
  EXPECT_EQ(ignored.status, 200);
  EXPECT_NE(ignored.body.find("ignored"), std::string::npos);
  std::string broken = R"({"repository":)";
  EXPECT_EQ(github("push", broken, github_signature(k_secret, broken)).status, 400);
  std::string no_repo = R"({"ref":"refs/heads/main"})";
  EXPECT_EQ(github("push", no_repo, github_signature(k_secret, no_repo)).status, 400);
  EXPECT_TRUE(calls.by_url.empty());
}

TEST_F(WebhookServerTest, GitHubFormEncodedPayload) {
  std::string json = push_payload("acme/podinfo");
  std::string form = "payload=";
  for (char c : json) {
    char escaped[4];
    std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
    form += escaped;
  }
  Reply reply = exchange(server->port(), "POST", "/hook/github",
                         {"X-GitHub-Event: push", "Content-Type: application/x-www-form-urlencoded",
                          "X-Hub-Signature-256: " + github_signature(k_secret, form)},
                         form);
  EXPECT_EQ(reply.status, 202) << reply.body;
}

TEST_F(WebhookServerTest, GitHubWithoutSecretAcceptsUnsignedDeliveries) {
  auto open = start({});
  ASSERT_TRUE(open);
  std::string body = push_payload("acme/podinfo");
  Reply reply = exchange(open->port(), "POST", "/hook/github", {"X-GitHub-Event: push"}, body);
  EXPECT_EQ(reply.status, 202) << reply.body;
}

TEST_F(WebhookServerTest, BodiesOverOneMebibyteAre413) {
  std::string big(k_webhook_max_body_bytes + 1, 'x');
  EXPECT_EQ(github("push", big, github_signature(k_secret, big)).status, 413);
  std::string limit(k_webhook_max_body_bytes, ' ');
  EXPECT_EQ(github("push", limit, github_signature(k_secret, limit)).status, 400)
      << "a body of exactly 1 MiB is read";

  // Chunked, past the limit.
  int fd = connect_to(server->port());
  ASSERT_GE(fd, 0);
  send_all(fd,
           "POST /hook/github HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
           "100000\r\n" +
               std::string(0x100000, 'x') + "\r\n10\r\n" + std::string(16, 'x') + "\r\n0\r\n\r\n");
  EXPECT_EQ(parse_reply(read_until_close(fd)).status, 413);
  ::close(fd);
  EXPECT_TRUE(calls.by_url.empty());
}

TEST_F(WebhookServerTest, ExpectContinue) {
  // Too large: refused before the body is sent.
  int fd = connect_to(server->port());
  ASSERT_GE(fd, 0);
  send_all(fd,
           "POST /hook/github HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n"
           "Expect: 100-continue\r\n\r\n");
  EXPECT_EQ(parse_reply(read_until_close(fd)).status, 413);
  ::close(fd);

  // Acceptable: "100 Continue", then the answer once the body arrives.
  fd = connect_to(server->port());
  ASSERT_GE(fd, 0);
  std::string body = push_payload("acme/podinfo");
  send_all(fd,
           "POST /hook/github HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
           "X-GitHub-Event: push\r\nX-Hub-Signature-256: " +
               github_signature(k_secret, body) + "\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n");
  char interim[64] = {};
  ssize_t n = ::recv(fd, interim, sizeof interim - 1, 0);
  EXPECT_GT(n, 0);
  EXPECT_TRUE(std::string_view(interim).starts_with("HTTP/1.1 100 Continue\r\n\r\n")) << interim;
  send_all(fd, body);
  EXPECT_EQ(parse_reply(read_until_close(fd)).status, 202);
  ::close(fd);
}

// curl as a real client: with its own Expect: 100-continue handling, and without it.
TEST_F(WebhookServerTest, CurlSeesTheSameAnswers) {
  PLUMB_REQUIRE(test_support::have_tool("curl"), "curl not installed");
  std::string file = ::testing::TempDir() + "webhook-body-" + std::to_string(::getpid());
  auto curl = [&](std::string_view body, std::string extra) {
    std::ofstream(file, std::ios::binary) << body;
    std::string command = "curl -s -o /dev/null -w '%{http_code}' --data-binary @" + file +
                          " -H 'X-GitHub-Event: push' " + extra +
                          " http://127.0.0.1:" + std::to_string(server->port()) + "/hook/github";
    std::string out;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
      char buf[64];
      while (std::fgets(buf, sizeof buf, pipe))
        out += buf;
      ::pclose(pipe);
    }
    return out;
  };
  std::string push = push_payload("acme/podinfo");
  EXPECT_EQ(curl(push, "-H 'X-Hub-Signature-256: " + github_signature(k_secret, push) + "'"),
            "202");
  EXPECT_EQ(curl(push, "-H 'X-Hub-Signature-256: sha256=00'"), "401");
  std::string big(2 * k_webhook_max_body_bytes, 'x');
  EXPECT_EQ(curl(big, ""), "413");
  EXPECT_EQ(curl(big, "-H 'Expect:'"), "413");
  std::remove(file.c_str());
}

TEST_F(WebhookServerTest, StopClosesTheListener) {
  int port = server->port();
  server->stop();
  server->stop();
  EXPECT_LT(connect_to(port), 0);
}

TEST(WebhookStart, NeedsBothCallbacksAndAFreeAddress) {
  EXPECT_FALSE(WebhookServer::start({}, {}));
  WebhookTargets targets{
      .refresh = [](const std::string&, const std::string&, const std::string&) { return true; },
      .refresh_by_url = [](const std::vector<std::string>&, const std::string&) { return 0; }};
  auto bad = WebhookServer::start({.host = "not-an-address"}, targets);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("webhook receiver"), std::string::npos);
}

}  // namespace
}  // namespace plumb::controller

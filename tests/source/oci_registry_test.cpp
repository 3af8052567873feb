// The OCI client against real parts: Debian's docker-registry (distribution v2) started for
// each test, charts of ../shared/helm-cases packaged by the real helm (v4), and helm pulling
// what Plumb pushed and the other way round. A missing docker-registry, helm or ../shared
// skips locally and fails in CI.
#include <gtest/gtest.h>

#include <crypt.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <regex>

#include "core/base64.hpp"
#include "net/http.hpp"

#include "helm/chart.hpp"
#include "source/artifact_support.hpp"
#include "source/digest.hpp"
#include "source/oci.hpp"
#include "support/require.hpp"

namespace plumb::source::oci {
namespace {

using namespace source::testing;

class OciRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PLUMB_REQUIRE(std::filesystem::exists(k_registry_binary),
                  k_registry_binary << " is missing (Debian package docker-registry; "
                                       "scripts/install-deps installs it)");
    PLUMB_REQUIRE(test_support::have_tool("helm"), "helm is missing (scripts/install-deps)");
    PLUMB_REQUIRE(std::filesystem::is_directory(k_podinfo), k_podinfo << " is missing");
    registry = std::make_unique<RegistryProcess>(dir / "registry");
    ASSERT_TRUE(registry->ok()) << "docker-registry did not start: "
                                << read_file_text(registry->log());
    client = std::make_unique<Registry>(registry->host(), RegistryOptions{.plain_http = true});
  }

  RunResult helm(const std::string& args) { return run_helm(dir, args); }

  // podinfo packaged by helm at `version`; the archive's bytes.
  std::string package(const std::string& version = "") {
    std::string out = dir / "packages";
    RunResult packaged = helm("package " + k_podinfo + " -d " + out +
                              (version.empty() ? "" : " --version " + version));
    EXPECT_EQ(packaged.status, 0) << packaged.output;
    return read_file_text(out + "/podinfo-" + (version.empty() ? "6.14.1" : version) + ".tgz");
  }

  TempDir dir;
  std::unique_ptr<RegistryProcess> registry;
  std::unique_ptr<Registry> client;
};

TEST_F(OciRegistryTest, PushedChartPullsBackByTagAndByDigest) {
  std::string tgz = package();
  ASSERT_FALSE(tgz.empty());
  auto pushed = push_chart(*client, "charts/podinfo", tgz);
  ASSERT_TRUE(pushed) << pushed.error().message();
  EXPECT_EQ(pushed->tag, "6.14.1");

  auto by_tag = pull(*client, "charts/podinfo", {.tag = "6.14.1"});
  ASSERT_TRUE(by_tag) << by_tag.error().message();
  EXPECT_EQ(by_tag->digest, pushed->digest);
  EXPECT_EQ(by_tag->content, tgz);
  EXPECT_EQ(by_tag->layer.digest, sha256_digest(tgz));
  EXPECT_EQ(by_tag->layer.media_type, k_helm_chart_layer);
  EXPECT_EQ(by_tag->manifest.config.media_type, k_helm_config);
  EXPECT_NE(by_tag->config.find("\"name\":\"podinfo\""), std::string::npos) << by_tag->config;
  auto chart = helm::load_chart_archive(by_tag->content);
  ASSERT_TRUE(chart) << chart.error().message();
  EXPECT_EQ(chart->metadata.name, "podinfo");
  EXPECT_EQ(chart->metadata.version, "6.14.1");

  auto by_digest = pull(*client, "charts/podinfo", {.digest = pushed->digest});
  ASSERT_TRUE(by_digest) << by_digest.error().message();
  EXPECT_EQ(by_digest->content, tgz);
  EXPECT_EQ(by_digest->digest, pushed->digest);
}

TEST_F(OciRegistryTest, VersionRangeChoosesAmongTags) {
  for (std::string version : {"6.13.0", "6.14.1", "6.15.0-rc.1", "7.0.0+build.1"}) {
    auto pushed = push_chart(*client, "charts/podinfo", package(version));
    ASSERT_TRUE(pushed) << pushed.error().message();
  }
  auto tags = client->list_tags("charts/podinfo");
  ASSERT_TRUE(tags) << tags.error().message();
  EXPECT_EQ(tags->size(), 4u);
  struct Case {
    std::string range, tag;
  } cases[] = {{"", "7.0.0_build.1"},
               {"*", "7.0.0_build.1"},
               {"<7.0.0", "6.14.1"},
               {"~6.13", "6.13.0"},
               {">=6.15.0-0 <7.0.0-0", "6.15.0-rc.1"},
               {"6.14.1", "6.14.1"}};
  for (const Case& c : cases) {
    auto tag = select_tag(*client, "charts/podinfo", c.range);
    ASSERT_TRUE(tag) << c.range << ": " << tag.error().message();
    EXPECT_EQ(*tag, c.tag) << c.range;
  }
  auto pulled = pull(*client, "charts/podinfo", {.semver = "6.14.x"});
  ASSERT_TRUE(pulled) << pulled.error().message();
  EXPECT_EQ(pulled->tag, "6.14.1");
  auto chart = helm::load_chart_archive(pulled->content);
  ASSERT_TRUE(chart) << chart.error().message();
  EXPECT_EQ(chart->metadata.version, "6.14.1");

  auto none = select_tag(*client, "charts/podinfo", ">=9.9.9");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message(),
            registry->host() + "/charts/podinfo: no tag matches the version range \">=9.9.9\"");
}

TEST_F(OciRegistryTest, HelmPullsWhatPlumbPushed) {
  std::string tgz = package();
  auto pushed = push_chart(*client, "charts/podinfo", tgz);
  ASSERT_TRUE(pushed) << pushed.error().message();
  std::filesystem::create_directories(dir / "helm-pulled");
  RunResult pulled =
      helm("pull oci://" + registry->host() + "/charts/podinfo --version 6.14.1 --plain-http -d " +
           dir / "helm-pulled");
  ASSERT_EQ(pulled.status, 0) << pulled.output;
  EXPECT_NE(pulled.output.find(pushed->digest), std::string::npos) << pulled.output;
  EXPECT_EQ(read_file_text(dir / "helm-pulled/podinfo-6.14.1.tgz"), tgz);
  RunResult shown = helm("show chart oci://" + registry->host() +
                         "/charts/podinfo --version 6.14.1 --plain-http");
  ASSERT_EQ(shown.status, 0) << shown.output;
  EXPECT_NE(shown.output.find("name: podinfo"), std::string::npos) << shown.output;
}

TEST_F(OciRegistryTest, PlumbPullsWhatHelmPushed) {
  std::string tgz = package();
  RunResult pushed = helm("push " + dir / "packages/podinfo-6.14.1.tgz" + " oci://" +
                          registry->host() + "/helmcharts --plain-http");
  ASSERT_EQ(pushed.status, 0) << pushed.output;
  std::smatch digest;
  ASSERT_TRUE(std::regex_search(pushed.output, digest, std::regex("Digest: (sha256:[0-9a-f]{64})")))
      << pushed.output;

  auto by_range = pull(*client, "helmcharts/podinfo", {.semver = ">=6.0.0"});
  ASSERT_TRUE(by_range) << by_range.error().message();
  EXPECT_EQ(by_range->tag, "6.14.1");
  EXPECT_EQ(by_range->digest, digest[1].str());
  EXPECT_EQ(by_range->content, tgz);
  EXPECT_EQ(by_range->manifest.config.media_type, k_helm_config);
  EXPECT_EQ(by_range->manifest.annotations["org.opencontainers.image.title"], "podinfo");
  auto chart = helm::load_chart_archive(by_range->content);
  ASSERT_TRUE(chart) << chart.error().message();
  EXPECT_EQ(chart->metadata.name, "podinfo");

  auto by_digest = pull(*client, "helmcharts/podinfo", {.digest = digest[1].str()});
  ASSERT_TRUE(by_digest) << by_digest.error().message();
  EXPECT_EQ(by_digest->content, tgz);
}

TEST_F(OciRegistryTest, FluxArtifactRoundTrip) {
  std::string tgz = package();
  auto pushed = push_artifact(*client, "manifests/app", "v1", tgz,
                              {{"org.opencontainers.image.source", "https://example.com/repo"},
                               {"org.opencontainers.image.revision", "main@sha1:abc"}});
  ASSERT_TRUE(pushed) << pushed.error().message();
  auto pulled = pull(*client, "manifests/app", {.tag = "v1"});
  ASSERT_TRUE(pulled) << pulled.error().message();
  EXPECT_EQ(pulled->digest, pushed->digest);
  EXPECT_EQ(pulled->manifest.config.media_type, k_flux_config);
  EXPECT_EQ(pulled->layer.media_type, k_flux_layer);
  EXPECT_EQ(pulled->content, tgz);
  EXPECT_EQ(pulled->manifest.annotations["org.opencontainers.image.revision"], "main@sha1:abc");
  auto wrong_layer = pull(*client, "manifests/app",
                          {.tag = "v1", .layer_media_type = std::string(k_helm_chart_layer)});
  ASSERT_FALSE(wrong_layer);
  EXPECT_EQ(wrong_layer.error().message(),
            registry->host() + "/manifests/app:v1: no layer of media type " +
                std::string(k_helm_chart_layer) + " in the manifest");
}

// A `type: oci` HelmRepository's chart: an exact version is its tag (`+` as `_`), a range
// chooses among the tags; with a cache the layer is fetched once and read back by digest.
TEST_F(OciRegistryTest, PullChartByVersionOrRangeThroughTheCache) {
  std::string first = package("1.0.0"), second = package("1.1.0+build.7");
  ASSERT_TRUE(push_chart(*client, "charts/podinfo", first));
  ASSERT_TRUE(push_chart(*client, "charts/podinfo", second));
  TempDir cache_dir;
  ArtifactCache cache(cache_dir.path());

  auto exact = pull_chart(*client, "charts/podinfo", "1.0.0", &cache);
  ASSERT_TRUE(exact) << exact.error().message();
  EXPECT_EQ(exact->tag, "1.0.0");
  EXPECT_EQ(exact->content, first);
  EXPECT_FALSE(exact->from_cache);
  EXPECT_TRUE(cache.contains(sha256_digest(first)));

  auto ranged = pull_chart(*client, "charts/podinfo", ">=1.0.0", &cache);
  ASSERT_TRUE(ranged) << ranged.error().message();
  EXPECT_EQ(ranged->tag, "1.1.0_build.7");
  EXPECT_EQ(ranged->content, second);
  auto with_plus = pull_chart(*client, "charts/podinfo", "1.1.0+build.7", &cache);
  ASSERT_TRUE(with_plus) << with_plus.error().message();
  EXPECT_EQ(with_plus->tag, "1.1.0_build.7");
  EXPECT_TRUE(with_plus->from_cache);
  EXPECT_EQ(with_plus->content, second);

  auto missing = pull_chart(*client, "charts/podinfo", "9.x", &cache);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), registry->host() +
                                           "/charts/podinfo: no tag matches the version range "
                                           "\"9.x\"");
}

TEST_F(OciRegistryTest, MissingTagNamesTheReference) {
  auto pushed = push_chart(*client, "charts/podinfo", package());
  ASSERT_TRUE(pushed) << pushed.error().message();
  auto missing = pull(*client, "charts/podinfo", {.tag = "9.9.9"});
  ASSERT_FALSE(missing);
  EXPECT_TRUE(
      missing.error().message().starts_with(registry->host() + "/charts/podinfo:9.9.9: not found"))
      << missing.error().message();
}

// The registry serves a blob whose bytes were changed on its disk: the pull refuses it.
TEST_F(OciRegistryTest, TamperedBlobIsRefused) {
  std::string tgz = package();
  auto pushed = push_chart(*client, "charts/podinfo", tgz);
  ASSERT_TRUE(pushed) << pushed.error().message();
  std::string hex = sha256_hex(tgz);
  std::string data = registry->storage() + "/docker/registry/v2/blobs/sha256/" + hex.substr(0, 2) +
                     "/" + hex + "/data";
  ASSERT_EQ(read_file_text(data), tgz) << data;
  std::string tampered = tgz;
  tampered[tampered.size() / 2] ^= 0x55;
  write_file_text(data, tampered);
  auto pulled = pull(*client, "charts/podinfo", {.tag = "6.14.1"});
  ASSERT_FALSE(pulled);
  EXPECT_EQ(pulled.error().message(), registry->host() + "/charts/podinfo@sha256:" + hex +
                                          ": digest mismatch: expected sha256:" + hex + ", got " +
                                          sha256_digest(tampered));
}

// htpasswd's bcrypt line for a user.
std::string htpasswd_line(const std::string& user, const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$2y$", 5, nullptr, 0, salt, sizeof salt)) return {};
  crypt_data data{};
  const char* hash = crypt_rn(password.c_str(), salt, &data, sizeof data);
  return hash ? user + ":" + hash + "\n" : std::string();
}

TEST_F(OciRegistryTest, BasicAuthRegistryTakesTheCredentials) {
  std::string htpasswd = htpasswd_line("plumb", "s3cret-pw");
  ASSERT_FALSE(htpasswd.empty());
  write_file_text(dir / "htpasswd", htpasswd);
  RegistryProcess secured(dir / "secured", "auth:\n  htpasswd:\n    realm: plumb-test\n    path: " +
                                               dir / "htpasswd" + "\n");
  ASSERT_TRUE(secured.ok()) << read_file_text(secured.log());
  std::string tgz = package();

  Registry anonymous(secured.host(), RegistryOptions{.plain_http = true});
  auto refused = push_chart(anonymous, "charts/podinfo", tgz);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("401 Unauthorized"), std::string::npos)
      << refused.error().message();
  Registry wrong(secured.host(),
                 RegistryOptions{.username = "plumb", .password = "wrong-pw", .plain_http = true});
  refused = push_chart(wrong, "charts/podinfo", tgz);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("401 Unauthorized"), std::string::npos)
      << refused.error().message();
  EXPECT_EQ(refused.error().message().find("wrong-pw"), std::string::npos);

  Registry right(secured.host(),
                 RegistryOptions{.username = "plumb", .password = "s3cret-pw", .plain_http = true});
  auto pushed = push_chart(right, "charts/podinfo", tgz);
  ASSERT_TRUE(pushed) << pushed.error().message();
  auto pulled = pull(right, "charts/podinfo", {.semver = "6.x"});
  ASSERT_TRUE(pulled) << pulled.error().message();
  EXPECT_EQ(pulled->content, tgz);
  EXPECT_FALSE(pull(anonymous, "charts/podinfo", {.tag = "6.14.1"}));
}

// The token flow of registries such as ghcr.io and Docker Hub, played by a small server: the
// registry answers 401 with a Bearer challenge, the realm hands out a token for the scope to
// the holder of the credentials, the registry accepts it.
TEST(OciTokenAuth, BearerChallengeIsAnsweredWithATokenForTheScope) {
  std::atomic<int> port = 0;
  std::mutex mutex;
  std::vector<std::string> token_requests;  // "service scope authorization"
  auto server = net::HttpServer::start_plain({}, [&](const net::HttpRequest& request,
                                                     net::ResponseWriter& out) {
    if (request.path == "/token") {
      std::string authorization(request.header("authorization"));
      {
        std::lock_guard lock(mutex);
        token_requests.push_back(std::string(request.param_or("service", "")) + " " +
                                 std::string(request.param_or("scope", "")) + " " + authorization);
      }
      if (authorization != "Basic " + base64_encode("robot:t0ps3cret")) {
        out.send(401, "application/json", R"({"errors":[{"code":"UNAUTHORIZED"}]})");
        return;
      }
      out.send(200, "application/json", R"({"token":"granted-token","expires_in":300})");
      return;
    }
    if (request.header("authorization") != "Bearer granted-token") {
      out.add_header(
          "WWW-Authenticate",
          "Bearer realm=\"http://127.0.0.1:" + std::to_string(port) +
              "/token\",service=\"test-registry\",scope=\"repository:charts/podinfo:pull\"");
      out.send(401, "application/json", R"({"errors":[{"code":"UNAUTHORIZED"}]})");
      return;
    }
    if (request.path == "/v2/charts/podinfo/tags/list" && !request.param("last")) {
      out.add_header("Link", "</v2/charts/podinfo/tags/list?last=1.0.0&n=1>; rel=\"next\"");
      out.send(200, "application/json", R"({"name":"charts/podinfo","tags":["1.0.0"]})");
    } else if (request.path == "/v2/charts/podinfo/tags/list") {
      out.send(200, "application/json",
               R"({"name":"charts/podinfo","tags":["1.1.0","2.0.0-rc.1"]})");
    } else {
      out.send(404, "application/json", "{}");
    }
  });
  ASSERT_TRUE(server) << server.error().message();
  port = (*server)->port();
  std::string host = "127.0.0.1:" + std::to_string(port);

  Registry registry(
      host, RegistryOptions{.username = "robot", .password = "t0ps3cret", .plain_http = true});
  auto tags = registry.list_tags("charts/podinfo");
  ASSERT_TRUE(tags) << tags.error().message();
  EXPECT_EQ(*tags, (std::vector<std::string>{"1.0.0", "1.1.0", "2.0.0-rc.1"}));
  auto latest = select_tag(registry, "charts/podinfo", "");
  ASSERT_TRUE(latest) << latest.error().message();
  EXPECT_EQ(*latest, "1.1.0");
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(token_requests.size(), 1u) << "the token is kept for its scope";
    EXPECT_EQ(token_requests[0], "test-registry repository:charts/podinfo:pull Basic " +
                                     base64_encode("robot:t0ps3cret"));
  }

  Registry wrong(host,
                 RegistryOptions{.username = "robot", .password = "guess", .plain_http = true});
  auto refused = wrong.list_tags("charts/podinfo");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(), "registry " + host + ": token: GET http://" + host +
                                           "/token?service=test-registry&scope=repository%3Acharts%"
                                           "2Fpodinfo%3Apull: 401 Unauthorized");
}

TEST(OciRegistry, UnreachableRegistryIsNamed) {
  int port = free_port();
  Registry client("127.0.0.1:" + std::to_string(port), RegistryOptions{.plain_http = true});
  auto pulled = pull(client, "charts/podinfo", {.tag = "1.0.0"});
  ASSERT_FALSE(pulled);
  EXPECT_EQ(pulled.error().message(), "GET http://127.0.0.1:" + std::to_string(port) +
                                          "/v2/charts/podinfo/manifests/1.0.0: Couldn't connect to "
                                          "server (Connection refused)");
}

TEST(OciReference, ParsesTagsDigestsAndRefusesTheRest) {
  auto ref = parse_reference("oci://127.0.0.1:5000/charts/podinfo:6.14.1");
  ASSERT_TRUE(ref) << ref.error().message();
  EXPECT_EQ(ref->registry, "127.0.0.1:5000");
  EXPECT_EQ(ref->repository, "charts/podinfo");
  EXPECT_EQ(ref->tag, "6.14.1");
  std::string digest = "sha256:" + std::string(64, 'a');
  ref = parse_reference("ghcr.io/stefanprodan/charts/podinfo@" + digest);
  ASSERT_TRUE(ref) << ref.error().message();
  EXPECT_EQ(ref->repository, "stefanprodan/charts/podinfo");
  EXPECT_EQ(ref->tag, "");
  EXPECT_EQ(ref->digest, digest);
  ref = parse_reference("oci://host:5000/charts/podinfo");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->tag, "");
  EXPECT_FALSE(parse_reference("oci://host"));
  EXPECT_FALSE(parse_reference("oci://host/Charts/podinfo"));
  EXPECT_FALSE(parse_reference("oci://host/charts/podinfo@sha256:12"));
}

}  // namespace
}  // namespace plumb::source::oci

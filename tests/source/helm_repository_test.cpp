// Helm chart repositories over HTTP: a directory of podinfo archives (packaged by the real
// helm from ../shared/helm-cases) with an index.yaml written by the real `helm repo index`,
// served by net's HttpServer. Plumb reads the index, chooses by range, downloads, checks the
// digest and caches; errors name the repository, chart and version. A missing helm or
// ../shared skips locally and fails in CI.
#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>

#include "core/base64.hpp"
#include "helm/chart.hpp"
#include "net/http.hpp"
#include "source/artifact_support.hpp"
#include "source/digest.hpp"
#include "source/helm_index.hpp"
#include "support/require.hpp"

namespace plumb::source {
namespace {

using namespace source::testing;

class HelmRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PLUMB_REQUIRE(test_support::have_tool("helm"), "helm is missing (scripts/install-deps)");
    PLUMB_REQUIRE(std::filesystem::is_directory(k_podinfo), k_podinfo << " is missing");
    std::string charts = dir / "site/charts";
    for (std::string version : {"6.13.0", "6.14.1", "6.15.0-rc.1"}) {
      RunResult packaged = helm("package " + k_podinfo + " -d " + charts + " --version " + version);
      ASSERT_EQ(packaged.status, 0) << packaged.output;
    }
    // Relative URLs ("podinfo-6.14.1.tgz"), resolved against the repository URL.
    RunResult indexed = helm("repo index " + charts);
    ASSERT_EQ(indexed.status, 0) << indexed.output;
    auto started = net::HttpServer::start_plain(
        {},
        [this](const net::HttpRequest& request, net::ResponseWriter& out) { serve(request, out); });
    ASSERT_TRUE(started) << started.error().message();
    server = std::move(*started);
    url = "http://127.0.0.1:" + std::to_string(server->port()) + "/charts";
  }

  RunResult helm(const std::string& args) { return run_helm(dir, args); }

  // Static files under dir/site; Basic credentials required when `password` is set.
  void serve(const net::HttpRequest& request, net::ResponseWriter& out) {
    {
      std::lock_guard lock(mutex);
      requests.push_back(request.method + " " + request.path);
      if (!password.empty() &&
          request.header("authorization") != "Basic " + base64_encode("reader:" + password)) {
        out.add_header("WWW-Authenticate", "Basic realm=\"charts\"");
        out.send(401, "text/plain", "unauthorized");
        return;
      }
    }
    std::string file = dir / ("site" + request.path);
    if (request.path.find("..") != std::string::npos || !std::filesystem::is_regular_file(file)) {
      out.send(404, "text/plain", "not found");
      return;
    }
    out.send(200, "application/octet-stream", read_file_text(file));
  }

  HelmRepository repository(std::string password_sent = "") {
    HelmRepositoryOptions options;
    options.url = url;
    if (!password_sent.empty()) options.username = "reader", options.password = password_sent;
    return HelmRepository(options, ArtifactCache(dir / "cache"));
  }

  TempDir dir;
  std::unique_ptr<net::HttpServer> server;
  std::string url;
  std::mutex mutex;
  std::vector<std::string> requests;
  std::string password;
};

TEST_F(HelmRepositoryTest, RangesChooseAsFluxDoes) {
  auto index = repository().fetch_index();
  ASSERT_TRUE(index) << index.error().message();
  EXPECT_EQ(index->api_version, "v1");
  ASSERT_EQ(index->entries.at("podinfo").size(), 3u);
  struct Case {
    std::string range, version;
  } cases[] = {{"", "6.14.1"},
               {"*", "6.14.1"},
               {">=6.0.0", "6.14.1"},
               {"6.13.0", "6.13.0"},
               {"~6.13", "6.13.0"},
               {"<6.14", "6.13.0"},
               {">=6.15.0-0", "6.15.0-rc.1"},
               {"6.15.0-rc.1", "6.15.0-rc.1"}};
  for (const Case& c : cases) {
    auto chosen = select_chart_version(*index, "podinfo", c.range);
    ASSERT_TRUE(chosen) << c.range << ": " << chosen.error().message();
    EXPECT_EQ(chosen->version, c.version) << c.range;
  }
}

TEST_F(HelmRepositoryTest, DownloadsVerifiesAndCachesTheChart) {
  HelmRepository repo = repository();
  auto fetched = repo.fetch_chart("podinfo", "6.14.x");
  ASSERT_TRUE(fetched) << fetched.error().message();
  std::string archive = read_file_text(dir / "site/charts/podinfo-6.14.1.tgz");
  EXPECT_EQ(fetched->bytes, archive);
  EXPECT_EQ(fetched->digest, sha256_digest(archive));
  EXPECT_EQ(fetched->version.digest, sha256_hex(archive)) << "helm repo index wrote the digest";
  EXPECT_EQ(fetched->url, url + "/podinfo-6.14.1.tgz");
  EXPECT_FALSE(fetched->from_cache);
  EXPECT_EQ(read_file_text(fetched->path), archive);
  EXPECT_EQ(fetched->path, dir / "cache/sha256/" + sha256_hex(archive));
  auto chart = helm::load_chart_archive(fetched->bytes);
  ASSERT_TRUE(chart) << chart.error().message();
  EXPECT_EQ(chart->metadata.name, "podinfo");
  EXPECT_EQ(chart->metadata.version, "6.14.1");

  // Served no more: the index's digest finds it in the cache.
  std::filesystem::remove(dir / "site/charts/podinfo-6.14.1.tgz");
  auto again = repo.fetch_chart("podinfo", "6.14.1");
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_TRUE(again->from_cache);
  EXPECT_EQ(again->bytes, archive);
  std::lock_guard lock(mutex);
  EXPECT_EQ(std::count(requests.begin(), requests.end(), "GET /charts/podinfo-6.14.1.tgz"), 1);
}

TEST_F(HelmRepositoryTest, MissingVersionNamesRepositoryChartAndVersion) {
  auto fetched = repository().fetch_chart("podinfo", "9.9.9");
  ASSERT_FALSE(fetched);
  EXPECT_EQ(fetched.error().message(),
            url + "/index.yaml: no chart version found for podinfo-9.9.9");
  fetched = repository().fetch_chart("nginx", "");
  ASSERT_FALSE(fetched);
  EXPECT_EQ(fetched.error().message(), url + "/index.yaml: chart nginx not found in the index");
  fetched = repository().fetch_chart("podinfo", ">=6.0.0 <<1");
  ASSERT_FALSE(fetched);
  EXPECT_EQ(fetched.error().message(),
            url + "/index.yaml: podinfo: invalid version range \">=6.0.0 <<1\"");
}

TEST_F(HelmRepositoryTest, DigestMismatchIsRefusedAndNotCached) {
  std::string file = dir / "site/charts/podinfo-6.14.1.tgz";
  std::string archive = read_file_text(file);
  write_file_text(file, archive + "tampered");
  auto fetched = repository().fetch_chart("podinfo", "6.14.1");
  ASSERT_FALSE(fetched);
  EXPECT_EQ(fetched.error().message(),
            "chart podinfo-6.14.1 from " + url +
                "/podinfo-6.14.1.tgz: digest mismatch: expected sha256:" + sha256_hex(archive) +
                ", got " + sha256_digest(archive + "tampered"));
  EXPECT_FALSE(std::filesystem::exists(dir / "cache/sha256/" + sha256_hex(archive + "tampered")));
}

TEST_F(HelmRepositoryTest, UnreachableMissingAndBrokenRepositoriesAreNamed) {
  HelmRepositoryOptions wrong_path;
  wrong_path.url = url + "/nothing-here";
  auto index = HelmRepository(wrong_path, ArtifactCache(dir / "cache")).fetch_index();
  ASSERT_FALSE(index);
  EXPECT_EQ(index.error().message(), "GET " + url + "/nothing-here/index.yaml: 404 Not Found");

  int port = free_port();
  HelmRepositoryOptions unreachable;
  unreachable.url = "http://127.0.0.1:" + std::to_string(port) + "/charts";
  index = HelmRepository(unreachable, ArtifactCache(dir / "cache")).fetch_index();
  ASSERT_FALSE(index);
  EXPECT_EQ(
      index.error().message(),
      "GET " + unreachable.url + "/index.yaml: Couldn't connect to server (Connection refused)");

  write_file_text(dir / "site/charts/index.yaml", "entries: [not, a, map\n");
  index = repository().fetch_index();
  ASSERT_FALSE(index);
  EXPECT_TRUE(index.error().message().starts_with(url + "/index.yaml:")) << index.error().message();
  write_file_text(dir / "site/charts/index.yaml", "entries: {}\n");
  index = repository().fetch_index();
  ASSERT_FALSE(index);
  EXPECT_EQ(index.error().message(), url + "/index.yaml: no API version specified");
}

TEST_F(HelmRepositoryTest, CredentialsAreSentAndNeverShown) {
  password = "open-sesame";
  auto refused = repository().fetch_index();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(), "GET " + url + "/index.yaml: 401 Unauthorized");
  refused = repository("guess").fetch_index();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message().find("guess"), std::string::npos);
  auto fetched = repository("open-sesame").fetch_chart("podinfo", "");
  ASSERT_TRUE(fetched) << fetched.error().message();
  EXPECT_EQ(fetched->version.version, "6.14.1");
}

TEST(HelmIndex, ChartUrlsResolveAsHelmResolvesThem) {
  // helm's pkg/repo TestResolveReferenceURL.
  struct Case {
    std::string_view base, ref, want;
  } cases[] = {
      {"http://localhost:8123/charts/", "nginx-0.2.0.tgz",
       "http://localhost:8123/charts/nginx-0.2.0.tgz"},
      {"http://localhost:8123/charts", "nginx-0.2.0.tgz",
       "http://localhost:8123/charts/nginx-0.2.0.tgz"},
      {"http://localhost:8123", "https://charts.example.com/nginx-0.2.0.tgz",
       "https://charts.example.com/nginx-0.2.0.tgz"},
      {"http://localhost:8123/charts/?st=2018-08-06T22%3A59%3A04Z&sig=cyqM4%2F5G7H%3D",
       "nginx-0.2.0.tgz",
       "http://localhost:8123/charts/"
       "nginx-0.2.0.tgz?st=2018-08-06T22%3A59%3A04Z&sig=cyqM4%2F5G7H%3D"},
      {"http://localhost:8123/charts%2fwith%2fescaped%2fslash", "nginx-0.2.0.tgz",
       "http://localhost:8123/charts%2fwith%2fescaped%2fslash/nginx-0.2.0.tgz"},
      {"https://charts.example.com/a/b", "../c/x-1.0.0.tgz",
       "https://charts.example.com/a/c/x-1.0.0.tgz"},
      {"https://charts.example.com/a/b", "/c/x-1.0.0.tgz",
       "https://charts.example.com/c/x-1.0.0.tgz"},
  };
  for (const Case& c : cases)
    EXPECT_EQ(resolve_chart_url(c.base, c.ref), c.want) << c.base << " + " << c.ref;
  EXPECT_EQ(helm_index_url("https://charts.example.com/stable/"),
            "https://charts.example.com/stable/index.yaml");
}

TEST(HelmIndex, EqualVersionsPreferTheLatestCreatedAndInvalidOnesAreSkipped) {
  auto index = parse_helm_index(R"(apiVersion: v1
entries:
  app:
  - version: 1.0.0
    created: "2024-01-01T00:00:00Z"
    digest: aaa
    urls: [old.tgz]
  - version: v1.0.0
    created: "2024-06-01T00:00:00.5+02:00"
    urls: [new.tgz]
  - version: not-a-version
    urls: [bad.tgz]
  - version: 0.9.0
    appVersion: "2.1"
    urls: [older.tgz]
)",
                                "index.yaml");
  ASSERT_TRUE(index) << index.error().message();
  const auto& versions = index->entries.at("app");
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(versions[0].urls.at(0), "new.tgz");
  EXPECT_EQ(versions[2].app_version, "2.1");
  EXPECT_EQ(versions[2].name, "app");
  auto chosen = select_chart_version(*index, "app", "1.0.0");
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->urls.at(0), "old.tgz") << "an exact text match comes first, as in Flux";
  chosen = select_chart_version(*index, "app", "^1");
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->urls.at(0), "new.tgz");
}

TEST(ArtifactCache, StoresByDigestAndDropsDamagedFiles) {
  TempDir dir;
  ArtifactCache cache(dir.path());
  auto digest = cache.put("chart bytes");
  ASSERT_TRUE(digest) << digest.error().message();
  EXPECT_EQ(*digest, sha256_digest("chart bytes"));
  EXPECT_EQ(cache.get(*digest), "chart bytes");
  write_file_text(cache.path(*digest), "damaged");
  EXPECT_EQ(cache.get(*digest), std::nullopt);
  EXPECT_FALSE(cache.contains(*digest)) << "the damaged file is removed";
  EXPECT_EQ(cache.get("md5:abc"), std::nullopt);
  EXPECT_EQ(cache.path("sha256:short"), "");
}

}  // namespace
}  // namespace plumb::source

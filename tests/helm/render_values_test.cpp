#include "helm/render_values.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/json.hpp"

namespace plumb::helm {
namespace {

const std::string k_cases = PLUMB_SHARED_DIR "/helm-cases/cases/";

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct KubeCase {
  const char* given;
  const char* version;     // .Capabilities.KubeVersion.Version, or the error
  const char* normalized;  // what {{ .Capabilities.KubeVersion }} prints
  const char* minor;
};

// helm v4.1.4 with --kube-version GIVEN.
TEST(RenderValues, KubeVersionAsHelmParsesIt) {
  const KubeCase cases[] = {
      {"1.31", "v1.31", "v1.31", "31"},
      {"v1.31.2", "v1.31.2", "v1.31.2", "31"},
      {"1.31.2-rc.1", "v1.31.2-rc.1", "v1.31.2", "31"},
      {"1.31+abc", "v1.31+abc", "v1.31", "31"},
      {"1.31.0.5", "v1.31.0.5", "v1.31.0.5", "31"},
      {"1.02.3", "v1.02.3", "v1.2.3", "2"},
      {" 1.31", "v 1.31", "v1.31", "31"},
      {"1.31.x", "v1.31.x", "v1.31", "31"},
      {"banana", "could not parse \"banana\" as version", "", ""},
      {"1", "illegal version string \"1\"", "", ""},
      {"v1", "illegal version string \"v1\"", "", ""},
      {"01.2", "illegal zero-prefixed version component \"01\" in \"01.2\"", "", ""},
  };
  for (const auto& c : cases) {
    auto v = parse_kube_version(c.given);
    if (*c.normalized == '\0') {
      ASSERT_FALSE(v) << c.given;
      EXPECT_EQ(v.error().message(), c.version);
      continue;
    }
    ASSERT_TRUE(v) << c.given << v.error().message();
    EXPECT_EQ(v->version, c.version);
    EXPECT_EQ(v->normalized, c.normalized);
    EXPECT_EQ(v->major, "1");
    EXPECT_EQ(v->minor, c.minor);
  }
}

// helm-capabilities-dump: the default list helm v4.1.4 renders.
TEST(RenderValues, DefaultApiVersionsAsTheDumpCase) {
  std::string dump = read(k_cases + "helm-capabilities-dump/expected.yaml");
  ASSERT_FALSE(dump.empty());
  auto caps = default_capabilities();
  std::string listed;
  for (const auto& v : caps.api_versions)
    listed += "      " + v + "\n";
  EXPECT_NE(dump.find("api-count: 57\n    apis:\n" + listed), std::string::npos);
  EXPECT_NE(dump.find(R"(kube: {"Version":"v1.35.0","Major":"1","Minor":"35"})"),
            std::string::npos);
  EXPECT_EQ(caps.api_versions.size(), 57u);
}

TEST(RenderValues, ReleaseNamesAsHelm) {
  for (std::string ok :
       {std::string("rel"), std::string("a.b-c"), std::string("x1"), std::string(53, 'a')})
    EXPECT_TRUE(validate_release_name(ok)) << ok;
  for (std::string name :
       {"Bad_Name", "a-very-long-release-name-that-exceeds-the-limit-of-53-chars"}) {
    auto r = validate_release_name(name);
    ASSERT_FALSE(r);
    std::string case_name =
        name == "Bad_Name" ? "helm-release-name-invalid" : "helm-release-name-too-long";
    std::string expected = read(k_cases + case_name + "/expected_error.txt");
    EXPECT_EQ("Error: " + r.error().message(), expected.substr(0, expected.find('\n')));
  }
  EXPECT_FALSE(validate_release_name(""));
  EXPECT_FALSE(validate_release_name("-a"));
  EXPECT_FALSE(validate_release_name(std::string(54, 'a')));
  // Each dot-separated label starts and ends with [a-z0-9]; dashes only inside.
  for (const char* ok : {"a", "0", "a-b", "a--b", "a.b", "a.b.c", "1.2-3.x", "a-1.b"})
    EXPECT_TRUE(validate_release_name(ok)) << ok;
  for (const char* bad : {"a-", "a.", ".a", "a..b", "a.-b", "a-.b", "a_b", "A", "a b", "é"})
    EXPECT_FALSE(validate_release_name(bad)) << bad;
}

TEST(RenderValues, ChartChecksAsHelm) {
  Chart chart;
  chart.metadata.kube_version = ">=1.31.2-0";
  Capabilities caps = default_capabilities();
  caps.kube_version = *parse_kube_version("1.31.2-rc.1");
  EXPECT_TRUE(check_chart(chart, caps));  // the normalized v1.31.2 is checked
  caps.kube_version = *parse_kube_version("1.31+abc");
  auto r = check_chart(chart, caps);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "chart requires kubeVersion: >=1.31.2-0 which is incompatible with Kubernetes "
            "v1.31+abc");
  chart.metadata.kube_version.clear();
  chart.metadata.type = "library";
  EXPECT_EQ(check_chart(chart, caps).error().message(), "library charts are not installable");
}

// helm-builtin-objects: `.Chart | toJson` and `.Release | toJson` as helm v4.1.4 prints them.
TEST(RenderValues, BuiltinObjectsAsHelm) {
  auto fs = make_disk_fs();
  auto chart = load_chart(*fs, k_cases + "helm-builtin-objects/chart");
  ASSERT_TRUE(chart) << chart.error().message();
  ReleaseOptions release{.name = "rel", .namespace_name = "demo"};
  auto top = to_render_values(*chart, Node::map(), release, default_capabilities());
  ASSERT_TRUE(top) << top.error().message();
  std::string expected = read(k_cases + "helm-builtin-objects/expected.yaml");
  EXPECT_NE(expected.find("chart-toJson: " + to_json((*top)["Chart"]) + "\n"), std::string::npos)
      << to_json((*top)["Chart"]);
  EXPECT_EQ(
      to_json((*top)["Release"]),
      R"({"IsInstall":true,"IsUpgrade":false,"Name":"rel","Namespace":"demo","Revision":1,"Service":"Helm"})");
  EXPECT_TRUE((*top)["Values"].is_map());
}

}  // namespace
}  // namespace plumb::helm

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "helm/chart.hpp"

namespace plumb::helm {
namespace {

const std::string k_cases = PLUMB_SHARED_DIR "/helm-cases";

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The cases whose chart helm v4.1.4 refuses while loading it (expected_error.txt holds the
// message); every other chart of the corpus must load.
const std::map<std::string, std::string> k_load_errors = {
    {"helm-chart-missing-version", ""},
    {"helm-files-helmignore-negation", ""},
    {"helmtest-chart-bad-type--default", ""},
    {"helmtest-chart-with-bad-subcharts--default", ""},
    {"helmtest-lib-chart--default", ""},
    {"values-yaml-inf", ""},
    {"values-yaml-invalid", ""},
    {"values-yaml-null-key", ""},
    {"values-yaml-toplevel-list", ""},
};

TEST(ChartLoad, EveryChartOfTheCorpus) {
  std::istringstream manifest(read(k_cases + "/MANIFEST.tsv"));
  ASSERT_TRUE(manifest.good());
  auto fs = make_disk_fs();
  std::string line;
  std::getline(manifest, line);  // header
  int loaded = 0, refused = 0;
  while (std::getline(manifest, line)) {
    std::vector<std::string> cols;
    std::istringstream row(line);
    for (std::string col; std::getline(row, col, '\t');)
      cols.push_back(col);
    ASSERT_GE(cols.size(), 4u) << line;
    const std::string& name = cols[0];
    auto chart = load_chart(*fs, k_cases + "/" + cols[3]);
    if (k_load_errors.contains(name)) {
      ASSERT_FALSE(chart) << name;
      std::string expected = read(k_cases + "/cases/" + name + "/expected_error.txt");
      expected = expected.substr(0, expected.find('\n'));
      EXPECT_EQ("Error: " + chart.error().message(), expected) << name;
      ++refused;
      continue;
    }
    ASSERT_TRUE(chart) << name << ": " << chart.error().message();
    EXPECT_FALSE(chart->name().empty());
    EXPECT_TRUE(chart->is_root);
    ++loaded;
  }
  EXPECT_EQ(refused, int(k_load_errors.size()));
  EXPECT_EQ(loaded + refused, 279);
}

std::vector<std::string> names(const std::vector<ChartFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files)
    out.push_back(f.name);
  return out;
}

// helm v4.1.4 prints .helmignore, files/README.md and files/a.txt for `.Files.Glob "**"`.
TEST(ChartLoad, HelmignoreKeepsFilesOut) {
  auto fs = make_disk_fs();
  auto chart = load_chart(*fs, k_cases + "/cases/helm-files-helmignore/chart");
  ASSERT_TRUE(chart) << chart.error().message();
  EXPECT_EQ(names(chart->files),
            (std::vector<std::string>{".helmignore", "files/README.md", "files/a.txt"}));
  EXPECT_EQ(names(chart->templates), (std::vector<std::string>{"templates/out.yaml"}));
}

TEST(ChartLoad, ArchivesAndArchivedSubcharts) {
  auto fs = make_disk_fs();
  auto top = load_chart(*fs, k_cases + "/cases/helm-chart-archive-other-dirname/chart.tgz");
  ASSERT_TRUE(top) << top.error().message();
  EXPECT_EQ(top->name(), "realname");  // not the archive's directory name
  EXPECT_EQ(names(top->templates), (std::vector<std::string>{"templates/cm.yaml"}));

  auto parent = load_chart(*fs, k_cases + "/cases/helm-tgz-subchart/chart");
  ASSERT_TRUE(parent) << parent.error().message();
  ASSERT_EQ(parent->dependencies.size(), 1u);
  const Chart& packed = parent->dependencies[0];
  EXPECT_EQ(packed.name(), "packed");
  EXPECT_FALSE(packed.is_root);
  EXPECT_EQ(names(packed.files), (std::vector<std::string>{"files/x.txt"}));
  EXPECT_EQ(packed.templates.size(), 2u);
  EXPECT_TRUE(packed.values.is_map());
}

TEST(ChartLoad, V1ChartReadsRequirements) {
  auto fs = make_disk_fs();
  auto chart = load_chart(*fs, k_cases + "/cases/helm-chart-v1-requirements/chart");
  ASSERT_TRUE(chart) << chart.error().message();
  EXPECT_EQ(chart->metadata.api_version, "v1");
  EXPECT_TRUE(chart->metadata.declares_dependencies);
  EXPECT_FALSE(chart->metadata.dependencies.empty());
  auto files = names(chart->files);
  EXPECT_NE(std::find(files.begin(), files.end(), "requirements.yaml"), files.end());
}

ChartFile file(std::string name, std::string data) {
  return ChartFile{std::move(name), std::move(data)};
}

struct MetadataCase {
  const char* chart_yaml;
  const char* error;  // "" when it loads
};

// Facts from helm v4.1.4 (`helm template` of a chart with this Chart.yaml).
TEST(ChartLoad, MetadataValidationAsHelm) {
  const MetadataCase cases[] = {
      {"", "validation: chart.metadata.name is required"},
      {"name: c\nversion: 1.0.0\n", ""},
      {"apiVersion: v2\nName: c\nVERSION: 1.0.0\n", ""},
      {"apiVersion: v2\nname: c\n", "validation: chart.metadata.version is required"},
      {"apiVersion: v2\nname: a/b\nversion: 1.0.0\n",
       "validation: chart.metadata.name \"a/b\" is invalid"},
      {"apiVersion: v2\nname: [a]\nversion: 1.0.0\n",
       "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: cannot "
       "unmarshal array into Go struct field Metadata.name of type string"},
      {"apiVersion: v2\nname: c\nversion: 1.0.0\nmaintainers: [null]\n",
       "validation: maintainers must not contain empty or null nodes"},
      {"apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n- name: a\n  alias: b.c\n",
       "validation: dependency \"a\" has disallowed characters in the alias"},
      {"apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n- name: a\n- name: a\n",
       "validation: more than one dependency with name or alias \"a\""},
      {"apiVersion: v2\nname: c\nversion: 1.2.3-01\n",
       "validation: chart.metadata.version \"1.2.3-01\" is invalid"},
      {"apiVersion: v2\nname: c\nversion: 1.0.0\ntype: Library\n",
       "validation: chart.metadata.type must be application or library"},
      {"apiVersion: v2\nname: c\nversion: 1.0.0\ndeprecated: yes\n", ""},
      {"apiVersion: v2\nname: c\nversion: [1\n",
       "cannot load Chart.yaml: error converting YAML to JSON: yaml: line 3: did not find "
       "expected ',' or ']'"},
  };
  for (const auto& c : cases) {
    auto chart = load_chart_files({file("Chart.yaml", c.chart_yaml)});
    if (*c.error == '\0') {
      EXPECT_TRUE(chart) << c.chart_yaml << chart.error().message();
    } else {
      ASSERT_FALSE(chart) << c.chart_yaml;
      EXPECT_EQ(chart.error().message(), c.error) << c.chart_yaml;
    }
  }
  EXPECT_EQ(load_chart_files({file("values.yaml", "a: 1\n")}).error().message(),
            "Chart.yaml file is missing");
}

// sigs.k8s.io/yaml writes a number's text where Go wants a string: `1.10` is the float 1.1.
TEST(ChartLoad, NumbersInStringFieldsAsHelm) {
  auto chart = load_chart_files(
      {file("Chart.yaml",
            "apiVersion: v2\nname: c\nversion: 1.0\nappVersion: 1.10\nannotations: {a: 1, b: "
            "true}\nkeywords: [1e3]\n")});
  ASSERT_TRUE(chart) << chart.error().message();
  EXPECT_EQ(chart->metadata.version, "1");
  EXPECT_EQ(chart->metadata.app_version, "1.1");
  EXPECT_EQ(chart->metadata.annotations.string_at({"a"}), "1");
  EXPECT_EQ(chart->metadata.annotations.string_at({"b"}), "true");
  EXPECT_EQ(chart->metadata.keywords, (std::vector<std::string>{"1000"}));
}

TEST(ChartLoad, FilesSortIntoParts) {
  auto chart = load_chart_files({
      file("Chart.yaml", "apiVersion: v2\nname: top\nversion: 1.0.0\n"),
      file("values.yaml", "a: 1\n"),
      file("values.schema.json", "{}"),
      file("templates/_helpers.tpl", ""),
      file("templates/a.yaml", ""),
      file("crds/crd.yaml", ""),
      file("crds/notes.txt", ""),
      file("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n"),
      file("charts/sub/values.yaml", "s: 1\n"),
      file("charts/_skipped/Chart.yaml", "broken: ["),
      file("charts/sub-0.1.0.tgz.prov", "sig"),
      file("Chart.lock", "x"),
      file("README.md", "hi"),
  });
  ASSERT_TRUE(chart) << chart.error().message();
  EXPECT_EQ(chart->values.find("a")->as_float(), 1);
  EXPECT_TRUE(chart->has_schema);
  EXPECT_EQ(names(chart->templates),
            (std::vector<std::string>{"templates/_helpers.tpl", "templates/a.yaml"}));
  EXPECT_EQ(names(chart->files),
            (std::vector<std::string>{"crds/crd.yaml", "crds/notes.txt",
                                      "charts/sub-0.1.0.tgz.prov", "README.md"}));
  ASSERT_EQ(chart->crd_files().size(), 1u);
  ASSERT_EQ(chart->dependencies.size(), 1u);
  EXPECT_EQ(chart->dependencies[0].name(), "sub");
  EXPECT_FALSE(chart->dependencies[0].is_root);

  auto bad = load_chart_files({file("Chart.yaml", "apiVersion: v2\nname: top\nversion: 1.0.0\n"),
                               file("charts/bad/Chart.yaml", "apiVersion: v2\nversion: 1.0.0\n")});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(),
            "error unpacking subchart bad in top: validation: chart.metadata.name is required");
}

TEST(ChartLoad, UnsupportedApiVersion) {
  MemoryFileSystem fs;
  fs.add_file("/c/Chart.yaml", "apiVersion: v9\nname: c\nversion: 1.0.0\n");
  auto chart = load_chart(fs, "/c");
  ASSERT_FALSE(chart);
  EXPECT_EQ(chart.error().message(), "unsupported chart version");
}

}  // namespace
}  // namespace plumb::helm

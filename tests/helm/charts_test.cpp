// Every chart under testdata/charts rendered as `helm template r CHART`, compared byte for byte
// with what helm v4.1.4 printed for it (gen_charts.sh): expected.txt (stdout), or
// expected_error.txt (stderr: "Error: MESSAGE\n") when helm fails. Small charts that pin one
// behaviour each: fromToml, toYamlPretty, values.schema.json formats ...
#include <gtest/gtest.h>

#include "core/fs.hpp"
#include "helm/template.hpp"

namespace plumb::helm {
namespace {

const std::string k_charts = PLUMB_SOURCE_DIR "/tests/helm/testdata/charts";

TEST(HelmCharts, RenderAsHelmDoes) {
  auto fs = make_disk_fs();
  auto names = fs->list_dir(k_charts);
  ASSERT_TRUE(names) << names.error().message();
  ASSERT_FALSE(names->empty());
  for (const std::string& name : *names) {
    std::string dir = k_charts + "/" + name;
    TemplateOptions options;
    options.release_name = "r";
    options.chart_path = dir;
    auto out = template_chart(*fs, options);
    if (fs->is_file(dir + "/expected_error.txt")) {
      std::string want = *fs->read_file(dir + "/expected_error.txt");
      ASSERT_FALSE(out) << name << " renders, helm fails with\n" << want;
      EXPECT_EQ("Error: " + out.error().message() + "\n", want) << name;
      continue;
    }
    ASSERT_TRUE(out) << name << ": " << out.error().message();
    EXPECT_EQ(*out, *fs->read_file(dir + "/expected.txt")) << name;
  }
}

}  // namespace
}  // namespace plumb::helm

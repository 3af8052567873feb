#include "helm/archive.hpp"

#include <gtest/gtest.h>

#include "tar_test_util.hpp"

namespace plumb::helm {
namespace {

TEST(ChartArchive, FirstComponentIsDroppedAndBomCut) {
  std::string tar;
  add_entry(tar, "whatever/", "", '5');
  add_entry(tar, "whatever/Chart.yaml", "\xEF\xBB\xBFname: x\n");
  add_entry(tar, "whatever/templates/a.yaml", "a: 1\n");
  add_entry(tar, "whatever/link", "", '2');
  tar.append(1024, '\0');
  auto files = read_chart_archive(gzip(tar));
  ASSERT_TRUE(files) << files.error().message();
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].name, "Chart.yaml");
  EXPECT_EQ((*files)[0].data, "name: x\n");
  EXPECT_EQ((*files)[1].name, "templates/a.yaml");
  EXPECT_EQ((*files)[2].name, "link");
  EXPECT_EQ((*files)[2].data, "");
}

TEST(ChartArchive, RefusesWhatHelmRefuses) {
  struct Case {
    std::string bytes;
    std::string error;
  };
  const Case cases[] = {
      {archive({{"c/../../etc/passwd", "x"}}), "chart illegally references parent directory"},
      {archive({{"c//abs", "x"}}), "chart illegally contains absolute paths"},
      {archive({{"README", "x"}}),
       "chart illegally contains content outside the base directory: \"README\""},
      {archive({{"Chart.yaml/x", "x"}}), "chart yaml not in base directory"},
      {archive({{"c/c:/x", "x"}}), "chart contains illegally named files"},
      {archive({{"c/big", std::string(k_max_file_size + 1, 'a')}}),
       "decompressed chart file \"c/big\" is larger than the maximum file size 5242880"},
      {archive({}), "no files in chart archive"},
      {"not gzip at all", "gzip: invalid header"},
  };
  for (const auto& c : cases) {
    auto files = read_chart_archive(c.bytes);
    ASSERT_FALSE(files) << c.error;
    EXPECT_EQ(files.error().message(), c.error);
  }
  std::string truncated = archive({{"c/a", std::string(3000, 'a')}});
  truncated.resize(truncated.size() / 2);
  EXPECT_FALSE(read_chart_archive(truncated));
}

TEST(ChartArchive, TotalSizeIsLimited) {
  std::string tar;
  for (int i = 0; i < 21; ++i)
    add_entry(tar, "c/f" + std::to_string(i), std::string(5 << 20, 'a'));
  tar.append(1024, '\0');
  auto files = read_chart_archive(gzip(tar));
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().message(),
            "decompressed chart is larger than the maximum size 104857600");
}

TEST(GoPathClean, AsGo) {
  EXPECT_EQ(go_path_clean(""), ".");
  EXPECT_EQ(go_path_clean("a/../.."), "..");
  EXPECT_EQ(go_path_clean("/a/../../b"), "/b");
  EXPECT_EQ(go_path_clean("a//b/./c/"), "a/b/c");
}

}  // namespace
}  // namespace plumb::helm

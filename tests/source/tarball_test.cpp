// Flux artifact tarballs: what tar_gz_directory writes reads back with helm's read_tar_gz and
// with GNU tar, the same tree gives the same bytes, .git and symlinks are left out.
#include <gtest/gtest.h>

#include <filesystem>

#include "helm/archive.hpp"
#include "source/artifact_support.hpp"
#include "source/digest.hpp"
#include "source/tarball.hpp"
#include "support/require.hpp"

namespace plumb::source {
namespace {

using namespace source::testing;

std::map<std::string, std::string> read_back(const std::string& tgz) {
  auto files = helm::read_tar_gz(tgz);
  EXPECT_TRUE(files) << files.error().message();
  std::map<std::string, std::string> out;
  if (files)
    for (const helm::ChartFile& f : *files)
      out[f.name] = f.data;
  return out;
}

TEST(Tarball, DirectoryRoundTripsWithoutGitAndLinks) {
  TempDir dir;
  std::string deep(120, 'd');  // a path over ustar's 100 bytes: a PAX record
  write_file_text(dir / "tree/deploy.yaml", "kind: ConfigMap\n");
  write_file_text(dir / "tree/apps/web/service.yaml", "kind: Service\n");
  write_file_text(dir / ("tree/" + deep + "/x.yaml"), "x: 1\n");
  write_file_text(dir / "tree/.git/HEAD", "ref: refs/heads/main\n");
  std::filesystem::create_symlink("deploy.yaml", dir / "tree/link.yaml");
  auto tgz = tar_gz_directory(dir / "tree");
  ASSERT_TRUE(tgz) << tgz.error().message();
  std::map<std::string, std::string> expected{{"apps/web/service.yaml", "kind: Service\n"},
                                              {"deploy.yaml", "kind: ConfigMap\n"},
                                              {deep + "/x.yaml", "x: 1\n"}};
  EXPECT_EQ(read_back(*tgz), expected);

  // Reproducible: the same tree written again (new mtimes) gives the same digest.
  std::filesystem::last_write_time(dir / "tree/deploy.yaml",
                                   std::filesystem::file_time_type::clock::now());
  auto again = tar_gz_directory(dir / "tree");
  ASSERT_TRUE(again);
  EXPECT_EQ(sha256_digest(*again), sha256_digest(*tgz));

  // GNU tar reads it as the same files.
  PLUMB_REQUIRE(test_support::have_tool("tar"), "tar is missing");
  write_file_text(dir / "a.tgz", *tgz);
  RunResult listed = run("tar -tzf " + dir / "a.tgz" + " | LC_ALL=C sort");
  ASSERT_EQ(listed.status, 0) << listed.output;
  EXPECT_EQ(listed.output, "apps/web/service.yaml\n" + deep + "/x.yaml\ndeploy.yaml\n");
  RunResult shown = run("tar -xzOf " + dir / "a.tgz" + " apps/web/service.yaml");
  EXPECT_EQ(shown.output, "kind: Service\n");
}

TEST(Tarball, MissingDirectoryIsNamed) {
  auto tgz = tar_gz_directory("/nonexistent/plumb-tarball");
  ASSERT_FALSE(tgz);
  EXPECT_EQ(tgz.error().message(), "/nonexistent/plumb-tarball: not a directory");
}

}  // namespace
}  // namespace plumb::source

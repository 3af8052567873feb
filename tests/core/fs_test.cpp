#include "core/fs.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace plumb {
namespace {

TEST(Paths, CleanPathIsLexicalNormalForm) {
  EXPECT_EQ(clean_path("a/./b//c/"), "a/b/c");
  EXPECT_EQ(clean_path("/a/b/../c"), "/a/c");
  EXPECT_EQ(clean_path("../a/.."), "..");
  EXPECT_EQ(clean_path("/.."), "/");
  EXPECT_EQ(clean_path(""), ".");
  EXPECT_EQ(join_path("/root/overlay", "../base"), "/root/base");
  EXPECT_EQ(join_path("/root", "/abs/file"), "/abs/file");
}

TEST(Paths, WithinComparesWholeComponents) {
  EXPECT_TRUE(path_within("/a/b", "/a"));
  EXPECT_TRUE(path_within("/a", "/a"));
  EXPECT_FALSE(path_within("/ab", "/a"));
  EXPECT_FALSE(path_within("/a", "/a/b"));
  EXPECT_TRUE(path_within("/x", "/"));
}

TEST(MemoryFileSystem, FilesDirectoriesAndListing) {
  MemoryFileSystem fs;
  fs.add_file("/app/kustomization.yaml", "resources: []\n");
  fs.add_file("/app/base/a.yaml", "a");
  EXPECT_TRUE(fs.is_dir("/app"));
  EXPECT_TRUE(fs.is_dir("/app/base"));
  EXPECT_TRUE(fs.is_file("/app/base/a.yaml"));
  EXPECT_FALSE(fs.is_file("/app/base"));
  EXPECT_EQ(*fs.read_file("/app/base/a.yaml"), "a");
  EXPECT_FALSE(fs.read_file("/app/missing.yaml"));
  auto names = fs.list_dir("/app");
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, (std::vector<std::string>{"base", "kustomization.yaml"}));
}

TEST(MemoryFileSystem, ResolveFollowsSymlinks) {
  MemoryFileSystem fs;
  fs.add_file("/secret/key", "k");
  fs.add_dir("/app");
  fs.add_symlink("/app/link", "../secret");
  EXPECT_EQ(*fs.resolve("/app/link/key"), "/secret/key");
  EXPECT_EQ(*fs.read_file("/app/link/key"), "k");
  fs.add_symlink("/app/loop", "/app/loop");
  EXPECT_FALSE(fs.resolve("/app/loop"));
}

TEST(DiskFileSystem, ReadsWhatIsThere) {
  auto fs = make_disk_fs();
  EXPECT_TRUE(fs->is_dir("/"));
  EXPECT_FALSE(fs->is_file("/definitely/not/here"));
  EXPECT_FALSE(fs->read_file("/definitely/not/here"));
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

TEST(OverlayFileSystem, AddsAndReplacesFilesOverTheBase) {
  MemoryFileSystem base;
  base.add_file("/app/deploy.yaml", "kind: Deployment\n");
  base.add_file("/app/kustomization.yaml", "resources: []\n");
  OverlayFileSystem overlay(base);
  overlay.add_file("/app/kustomization.yaml", "resources:\n- deploy.yaml\n");
  overlay.add_file("/app/extra.yaml", "kind: ConfigMap\n");
  EXPECT_EQ(overlay.read_file("/app/kustomization.yaml").value(), "resources:\n- deploy.yaml\n");
  EXPECT_EQ(overlay.read_file("app/extra.yaml").value(), "kind: ConfigMap\n");
  EXPECT_EQ(overlay.read_file("/app/deploy.yaml").value(), "kind: Deployment\n");
  EXPECT_EQ(overlay.list_dir("/app").value(),
            (std::vector<std::string>{"deploy.yaml", "extra.yaml", "kustomization.yaml"}));
  EXPECT_TRUE(overlay.is_file("/app/extra.yaml"));
  EXPECT_TRUE(overlay.is_dir("/app"));
  EXPECT_EQ(base.read_file("/app/kustomization.yaml").value(), "resources: []\n");
  // A directory only the overlay has.
  overlay.add_file("/virtual/kustomization.yaml", "resources:\n- ../app\n");
  EXPECT_TRUE(overlay.is_dir("/virtual"));
  EXPECT_EQ(overlay.list_dir("/virtual").value(), std::vector<std::string>{"kustomization.yaml"});
  EXPECT_EQ(overlay.resolve("/virtual").value(), "/virtual");
  EXPECT_FALSE(base.is_dir("/virtual"));
}

TEST(ReplaceFile, CreatesParentsReplacesAndSetsTheMode) {
  namespace fs = std::filesystem;
  char pattern[] = "/tmp/plumb-replace-file-XXXXXX";
  std::string dir = mkdtemp(pattern);
  std::string path = dir + "/a/b/config";
  auto owner_only = fs::perms::owner_read | fs::perms::owner_write;
  ASSERT_TRUE(replace_file(path, "one\n", owner_only));
  ASSERT_TRUE(replace_file(path, "two\n", owner_only));
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "two\n");
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, owner_only);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir + "/a/b"), fs::directory_iterator()), 1)
      << "no temporary file is left behind";
  EXPECT_FALSE(replace_file(dir + "/a/b/config/under-a-file", "x", owner_only));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace plumb

namespace plumb {
namespace {

TEST(MountedFileSystem, ShowsTheBaseBelowItsMountPointOnly) {
  MemoryFileSystem base;
  base.add_file("/kustomization.yaml", "resources: [apps]\n");
  base.add_file("/apps/cm.yaml", "kind: ConfigMap\n");
  base.add_symlink("/link", "apps");
  MountedFileSystem fs(base, "/source");
  EXPECT_EQ(fs.list_dir("/").value(), std::vector<std::string>{"source"});
  EXPECT_EQ(fs.list_dir("/source").value(),
            (std::vector<std::string>{"apps", "kustomization.yaml", "link"}));
  EXPECT_EQ(fs.read_file("/source/apps/cm.yaml").value(), "kind: ConfigMap\n");
  EXPECT_EQ(fs.read_file("source/apps/cm.yaml").value(), "kind: ConfigMap\n");  // relative
  EXPECT_TRUE(fs.is_dir("/source") && fs.is_dir("/"));
  EXPECT_FALSE(fs.is_dir("/sourcex") || fs.is_file("/apps/cm.yaml") || fs.is_file("/source/nope"));
  EXPECT_EQ(fs.resolve("/source").value(), "/source");
  EXPECT_EQ(fs.resolve("/source/link").value(), "/source/apps");
  EXPECT_FALSE(fs.resolve("/elsewhere"));
  EXPECT_EQ(fs.content_id("/source/apps/cm.yaml"), base.content_id("/apps/cm.yaml"));
  // A file laid beside the tree refers to its root without being inside it.
  OverlayFileSystem overlay(fs);
  overlay.add_file("/.plumb-overlay/kustomization.yaml", "resources: [../source]\n");
  EXPECT_TRUE(overlay.is_file("/.plumb-overlay/kustomization.yaml"));
  EXPECT_FALSE(
      path_within(overlay.resolve("/.plumb-overlay").value(), fs.resolve("/source").value()));
}

}  // namespace
}  // namespace plumb

// render_path and manifest_resources: the kustomization generated for a plain directory, as
// Flux's kustomize-controller generates it.
#include <gtest/gtest.h>

#include "core/fs.hpp"
#include "render/render_path.hpp"

namespace plumb::render {
namespace {

constexpr std::string_view k_configmap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ";

std::string configmap(std::string_view name) {
  return std::string(k_configmap) + std::string(name) + "\n";
}

// A Flux Kustomization with `path: ./` renders the root of the source tree.
TEST(RenderPath, PlainDirectoryAtTheRootOfTheTree) {
  MemoryFileSystem fs;
  fs.add_file("/a.yaml", configmap("a"));
  fs.add_file("/sub/b.yml", configmap("b"));
  fs.add_file("/values.yaml", "replicas: 2\n");
  auto resources = manifest_resources(fs, "/");
  ASSERT_TRUE(resources) << resources.error().message();
  EXPECT_EQ(*resources, (std::vector<std::string>{"a.yaml", "sub/b.yml"}));
  auto docs = render_path(fs, "/", {});
  ASSERT_TRUE(docs) << docs.error().message();
  EXPECT_EQ(docs->size(), 2u);
}

// Found by build_fuzz: a link to an ancestor directory was walked until the fuzzer's timeout.
// Flux's walk does not follow links; neither does the generated kustomization.
TEST(RenderPath, LinkedDirectoriesAreNotWalked) {
  MemoryFileSystem fs;
  fs.add_file("/repo/app/cm.yaml", configmap("cm"));
  fs.add_symlink("/repo/app/loop", "..");
  fs.add_symlink("/repo/app/self", "");
  fs.add_file("/repo/other/x.yaml", configmap("x"));
  fs.add_symlink("/repo/app/other", "../other");
  auto resources = manifest_resources(fs, "/repo/app");
  ASSERT_TRUE(resources) << resources.error().message();
  EXPECT_EQ(*resources, (std::vector<std::string>{"cm.yaml"}));
  auto docs = render_path(fs, "/repo/app", {});
  ASSERT_TRUE(docs) << docs.error().message();
  EXPECT_EQ(docs->size(), 1u);
}

// `plumb apply app.yaml`: one file renders alone, even beside a kustomization and other
// manifests; a kustomization file renders its directory.
TEST(RenderPath, OneFile) {
  MemoryFileSystem fs;
  fs.add_file("/repo/app.yaml", configmap("a") + "---\n" + configmap("b"));
  fs.add_file("/repo/other.yaml", configmap("other"));
  fs.add_file("/repo/kustomization.yml", "resources: [other.yaml]\nnamePrefix: k-\n");
  auto docs = render_path(fs, "/repo/app.yaml", {});
  ASSERT_TRUE(docs) << docs.error().message();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0].string_at({"metadata", "name"}), "a");
  EXPECT_EQ((*docs)[1].string_at({"metadata", "name"}), "b");
  docs = render_path(fs, "/repo/kustomization.yml", {});
  ASSERT_TRUE(docs) << docs.error().message();
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ((*docs)[0].string_at({"metadata", "name"}), "k-other");
  auto missing = render_path(fs, "/repo/missing.yaml", {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "/repo/missing.yaml: no such file or directory");
}

}  // namespace
}  // namespace plumb::render

#include "controller/render_cache.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "core/yaml.hpp"
#include "render/render_path.hpp"
#include "source/git_repo.hpp"

namespace plumb::controller {
namespace {

constexpr std::string_view k_key = "default/web";
constexpr std::string_view k_fingerprint = "targetNamespace=prod";

std::string config_map(std::string_view name, std::string_view value) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + std::string(name) +
         "\ndata:\n  value: " + std::string(value) + "\n";
}

// Commits of one repository rendered at apps/web (a kustomization) and apps/plain (plain
// manifests), the way the controller renders a Kustomization's path.
class RenderCacheTest : public source::GitRepoTest {
 protected:
  void SetUp() override {
    GitRepoTest::SetUp();
    write("README.md", "hello\n");
    write("apps/web/kustomization.yaml",
          "resources:\n- cm.yaml\n- shared.yaml\nconfigMapGenerator:\n- name: gen\n"
          "  files:\n  - settings.txt\n");
    write("apps/web/cm.yaml", config_map("web", "one"));
    write("apps/web/settings.txt", "a=1\n");
    write("shared/a.yaml", config_map("shared", "a"));
    write("shared/b.yaml", config_map("shared", "b"));
    link("apps/web/shared.yaml", "../../shared/a.yaml");
    write("apps/plain/one.yaml", config_map("one", "1"));
    write("apps/other/cm.yaml", config_map("other", "1"));
  }

  // Renders dir at the commit through a RecordingFileSystem and stores the result.
  std::vector<Node> render_and_store(const std::string& commit, const std::string& dir) {
    auto files = source().files(commit).value();
    RecordingFileSystem recording(*files);
    render::BuildOptions options;
    options.restrictor = render::LoadRestrictor::none;
    std::vector<Node> objects = render::render_path(recording, dir, options).value();
    EXPECT_TRUE(
        m_cache.store(std::string(k_key), std::string(k_fingerprint), recording.inputs(), objects));
    return objects;
  }

  bool hits(const std::string& commit, std::string_view fingerprint = k_fingerprint) {
    auto files = source().files(commit).value();
    return m_cache.lookup(std::string(k_key), fingerprint, *files).has_value();
  }

  // A new commit after the change made by `change`.
  template <typename Change>
  std::string after(Change change) {
    change();
    std::string c = commit("change");
    source().fetch({.branch = "main"}, {}).value();
    return c;
  }

  source::GitSource& source() {
    if (!m_source) {
      m_source = std::make_unique<source::GitSource>(open());
      m_source->fetch({.branch = "main"}, {}).value();
    }
    return *m_source;
  }

  std::unique_ptr<source::GitSource> m_source;
  RenderCache m_cache;
};

TEST_F(RenderCacheTest, UnrelatedChangesHit) {
  std::string first = commit("first");
  render_and_store(first, "/apps/web");
  EXPECT_TRUE(hits(first));
  EXPECT_TRUE(hits(after([&] { write("README.md", "changed\n"); })));
  EXPECT_TRUE(hits(after([&] { write("apps/other/cm.yaml", config_map("other", "2")); })));
  EXPECT_TRUE(hits(after([&] { write("apps/other/new.yaml", config_map("new", "1")); })));
  // shared/b.yaml is beside the symlink's target, but not read.
  EXPECT_TRUE(hits(after([&] { write("shared/b.yaml", config_map("shared", "b2")); })));
  // An unrelated file in the rendered directory itself: a kustomization lists its files.
  EXPECT_TRUE(hits(after([&] { write("apps/web/notes.md", "notes\n"); })));
  RenderCache::Stats stats = m_cache.stats();
  EXPECT_EQ(stats.hits, 6u);
  EXPECT_EQ(stats.misses, 0u);
  EXPECT_EQ(stats.entries, 1u);
}

TEST_F(RenderCacheTest, ChangedInputFileMisses) {
  std::string first = commit("first");
  render_and_store(first, "/apps/web");
  EXPECT_FALSE(hits(after([&] { write("apps/web/cm.yaml", config_map("web", "two")); })));
  EXPECT_TRUE(hits(first));
  // A generator's file, and the target of a symlink, are inputs too.
  EXPECT_FALSE(hits(after([&] { write("apps/web/settings.txt", "a=2\n"); })));
  EXPECT_FALSE(hits(after([&] { write("shared/a.yaml", config_map("shared", "a2")); })));
}

TEST_F(RenderCacheTest, ChangedSymlinkMisses) {
  std::string first = commit("first");
  render_and_store(first, "/apps/web");
  EXPECT_FALSE(hits(after([&] { link("apps/web/shared.yaml", "../../shared/b.yaml"); })));
}

TEST_F(RenderCacheTest, ProbedFileAppearingMisses) {
  std::string first = commit("first");
  render_and_store(first, "/apps/web");
  // kustomize refuses a directory with two kustomization files: the render must run again.
  EXPECT_FALSE(hits(after([&] { write("apps/web/kustomization.yml", "resources: []\n"); })));
}

TEST_F(RenderCacheTest, FileAddedToAListedDirectoryMisses) {
  std::string first = commit("first");
  render_and_store(first, "/apps/plain");
  EXPECT_TRUE(hits(after([&] { write("apps/web/cm.yaml", config_map("web", "two")); })));
  EXPECT_FALSE(hits(after([&] { write("apps/plain/two.yaml", config_map("two", "2")); })));
  render_and_store(head(), "/apps/plain");
  // A subdirectory appearing (its manifests are listed too).
  EXPECT_FALSE(hits(after([&] { write("apps/plain/sub/three.yaml", config_map("3", "3")); })));
}

TEST_F(RenderCacheTest, FingerprintAndForget) {
  std::string first = commit("first");
  render_and_store(first, "/apps/web");
  EXPECT_FALSE(hits(first, "targetNamespace=staging"));
  EXPECT_TRUE(hits(first));
  m_cache.forget(std::string(k_key));
  EXPECT_FALSE(hits(first));
  EXPECT_EQ(m_cache.stats().entries, 0u);
}

TEST_F(RenderCacheTest, ReturnsTheStoredObjects) {
  std::string first = commit("first");
  std::vector<Node> objects = render_and_store(first, "/apps/web");
  std::string next = after([&] { write("README.md", "changed\n"); });
  auto files = source().files(next).value();
  auto cached = m_cache.lookup(std::string(k_key), k_fingerprint, *files);
  ASSERT_TRUE(cached);
  EXPECT_EQ(to_yaml_stream(*cached), to_yaml_stream(objects));
  EXPECT_EQ(cached->size(), 3u);  // web, shared and the generated ConfigMap
}

TEST_F(RenderCacheTest, RecordingGivesByteIdenticalOutput) {
  std::string first = commit("first");
  auto files = source().files(first).value();
  render::BuildOptions options;
  options.restrictor = render::LoadRestrictor::none;
  for (const char* dir : {"/apps/web", "/apps/plain", "/apps/other"}) {
    RecordingFileSystem recording(*files);
    std::string direct = to_yaml_stream(render::render_path(*files, dir, options).value());
    std::string recorded = to_yaml_stream(render::render_path(recording, dir, options).value());
    EXPECT_EQ(recorded, direct) << dir;
    EXPECT_FALSE(recording.inputs().facts().empty());
  }
}

TEST_F(RenderCacheTest, InputsFromTheDiskAreNotStored) {
  commit("first");
  auto disk = make_disk_fs();
  RecordingFileSystem recording(*disk);
  std::vector<Node> objects =
      render::render_path(recording, m_repo + "/apps/plain", render::BuildOptions{}).value();
  EXPECT_FALSE(recording.inputs().cacheable());
  EXPECT_FALSE(m_cache.store(std::string(k_key), "", recording.inputs(), objects));
  EXPECT_EQ(m_cache.stats().entries, 0u);
}

TEST_F(RenderCacheTest, WorkersShareTheCache) {
  std::string first = commit("first");
  render_and_store(first, "/apps/web");
  auto files = source().files(first).value();
  std::vector<std::thread> workers;
  std::atomic<int> found = 0;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < 50; ++i) {
        if (m_cache.lookup(std::string(k_key), k_fingerprint, *files)) ++found;
        if (w == 0 && i % 10 == 0) {
          RecordingFileSystem recording(*files);
          auto objects = render::render_path(recording, "/apps/plain", {}).value();
          m_cache.store("default/plain", "", recording.inputs(), objects);
        }
      }
    });
  }
  for (std::thread& t : workers)
    t.join();
  EXPECT_EQ(found.load(), 200);
  EXPECT_EQ(m_cache.stats().entries, 2u);
}

}  // namespace
}  // namespace plumb::controller

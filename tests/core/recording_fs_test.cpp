#include "core/recording_fs.hpp"

#include <gtest/gtest.h>

namespace plumb {
namespace {

MemoryFileSystem tree() {
  MemoryFileSystem fs;
  fs.add_file("/app/kustomization.yaml", "resources: [a.yaml]\n");
  fs.add_file("/app/a.yaml", "a");
  fs.add_file("/lib/b.yaml", "b");
  fs.add_symlink("/app/lib", "../lib");
  return fs;
}

// What a render of /app might ask.
RenderInputs record(const FileSystem& fs) {
  RecordingFileSystem recording(fs);
  EXPECT_TRUE(recording.is_dir("/app"));
  EXPECT_FALSE(recording.is_file("/app/kustomization.yml"));
  EXPECT_EQ(recording.read_file("/app/kustomization.yaml").value(), "resources: [a.yaml]\n");
  EXPECT_EQ(recording.read_file("/app/a.yaml").value(), "a");
  EXPECT_EQ(recording.read_file("/app/a.yaml").value(), "a");  // asked twice, logged once
  EXPECT_EQ(recording.resolve("/app/lib/b.yaml").value(), "/lib/b.yaml");
  EXPECT_EQ(recording.list_dir("/app").value(),
            (std::vector<std::string>{"a.yaml", "kustomization.yaml", "lib"}));
  return recording.inputs();
}

TEST(RecordingFileSystem, LogsEveryQuestionOnce) {
  MemoryFileSystem fs = tree();
  RenderInputs inputs = record(fs);
  EXPECT_TRUE(inputs.cacheable());
  ASSERT_EQ(inputs.facts().size(), 6u);
  EXPECT_EQ(inputs.facts()[1].question, RenderInputs::Question::is_file);
  EXPECT_EQ(inputs.facts()[1].path, "/app/kustomization.yml");
  EXPECT_EQ(inputs.facts()[1].answer, "0");
  EXPECT_TRUE(inputs.unchanged_in(fs));
  EXPECT_GT(inputs.heap_bytes(), 0u);
}

TEST(RecordingFileSystem, AnyDifferentAnswerIsAChange) {
  RenderInputs inputs = record(tree());
  struct Case {
    const char* what;
    void (*change)(MemoryFileSystem&);
    bool unchanged;
  };
  const Case cases[] = {
      {"files nobody asked about",
       [](MemoryFileSystem& fs) {
         fs.add_file("/other/c.yaml", "c");
         fs.add_file("/lib/d.yaml", "d");
       },
       true},
      {"a file read", [](MemoryFileSystem& fs) { fs.add_file("/app/a.yaml", "a2"); }, false},
      {"a file probed and absent",
       [](MemoryFileSystem& fs) { fs.add_file("/app/kustomization.yml", ""); }, false},
      {"a directory listed", [](MemoryFileSystem& fs) { fs.add_file("/app/notes.md", ""); }, false},
      {"a symlink resolved (same content elsewhere)",
       [](MemoryFileSystem& fs) {
         fs.add_file("/lib2/b.yaml", "b");
         fs.add_symlink("/app/lib", "../lib2");
       },
       false},
  };
  for (const Case& c : cases) {
    MemoryFileSystem changed = tree();
    c.change(changed);
    EXPECT_EQ(inputs.unchanged_in(changed), c.unchanged) << c.what;
  }
}

TEST(RecordingFileSystem, ReadsWithoutContentIdsAreNotCacheable) {
  auto disk = make_disk_fs();
  RecordingFileSystem recording(*disk);
  EXPECT_TRUE(recording.is_dir("/"));
  EXPECT_TRUE(recording.inputs().cacheable());  // a test alone is still checkable
  EXPECT_TRUE(recording.inputs().unchanged_in(*disk));
  (void)recording.read_file("/etc/hostname");
  EXPECT_FALSE(recording.inputs().cacheable());
  EXPECT_FALSE(recording.inputs().unchanged_in(*disk));
}

TEST(OverlayFileSystem, AddedFilesHaveTheirOwnIds) {
  MemoryFileSystem base = tree();
  OverlayFileSystem overlay(base);
  overlay.add_file("/gen/kustomization.yaml", "x");
  EXPECT_EQ(overlay.content_id("/gen/kustomization.yaml"), "f:x");
  EXPECT_EQ(overlay.content_id("/app/a.yaml"), base.content_id("/app/a.yaml"));
  EXPECT_EQ(overlay.content_id("/gen"), std::nullopt);
  EXPECT_EQ(overlay.content_id("/missing"), "");
}

}  // namespace
}  // namespace plumb

// What a render read, so that its result can be reused for another tree.
//
// RecordingFileSystem wraps a FileSystem and logs every question asked of it: files read (by
// content_id, not by content), directories listed (the names), paths tested with is_file /
// is_dir (including paths that did not exist: a file appearing later must count), paths
// resolved (the real path). RenderInputs is that log. `unchanged_in(other)` asks each
// question again of another tree and is true when every answer is the same, so a
// deterministic render would read exactly the same bytes there. For a git tree every answer
// comes from tree objects (no blob is read, except symlink targets on the way).
//
// Thread safety: RecordingFileSystem may be used by several threads (its log is guarded);
// RenderInputs is a value, safe to read from several threads.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/thread_annotations.hpp"

namespace plumb {

class RenderInputs {
 public:
  // read_file and content_id are both answered by content_id.
  enum class Question : unsigned char { content, list, is_file, is_dir, resolve };
  struct Fact {
    Question question;
    std::string path;
    std::string answer;
  };

  // False when a file was read from a filesystem that has no content ids (the disk): such a
  // render cannot be checked against another tree.
  bool cacheable() const { return m_cacheable; }
  // True when every recorded question gets the same answer from `other`.
  bool unchanged_in(const FileSystem& other) const;

  const std::vector<Fact>& facts() const { return m_facts; }
  // Bytes held on the heap by the log (paths, answers, the vector).
  size_t heap_bytes() const;

 private:
  friend class RecordingFileSystem;
  std::vector<Fact> m_facts;
  bool m_cacheable = true;
};

class RecordingFileSystem final : public FileSystem {
 public:
  // `base` must outlive this.
  explicit RecordingFileSystem(const FileSystem& base) : m_base(base) {}

  Result<std::string> read_file(std::string_view path) const override;
  Result<std::vector<std::string>> list_dir(std::string_view path) const override;
  bool is_dir(std::string_view path) const override;
  bool is_file(std::string_view path) const override;
  Result<std::string> resolve(std::string_view path) const override;
  std::optional<std::string> content_id(std::string_view path) const override;

  // The log so far (a copy).
  RenderInputs inputs() const EXCLUDES(m_mutex);

 private:
  // Called after the base answered, without the lock held during the base's call.
  void record(RenderInputs::Question question, std::string_view path,
              std::optional<std::string> answer) const EXCLUDES(m_mutex);

  const FileSystem& m_base;
  mutable Mutex m_mutex;
  mutable RenderInputs m_inputs GUARDED_BY(m_mutex);
  mutable std::set<std::pair<RenderInputs::Question, std::string>, std::less<>> m_seen
      GUARDED_BY(m_mutex);
};

}  // namespace plumb

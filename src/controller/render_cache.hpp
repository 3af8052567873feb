// The objects each Kustomization last rendered, kept with what the render read
// (RenderInputs) and a fingerprint of everything else that shapes the output (the spec
// fields that go into Flux's overlay, computed by the caller). A new revision whose tree
// answers every recorded question the same way renders the same objects, so the
// Kustomization is neither rendered nor, when the cluster matches, applied again.
//
//   RecordingFileSystem files(*tree);
//   auto objects = TRY(render(files, spec));
//   cache.store(key, fingerprint, files.inputs(), objects);
//   ...
//   if (auto cached = cache.lookup(key, fingerprint, *next_tree)) ...
//
// Cost: per entry the key and fingerprint, the inputs (one path and one answer of up to 41
// bytes per question asked, `RenderInputs::heap_bytes`), and the objects, which share their
// trees with the caller's copies until either side changes them. Unbounded: one entry per
// Kustomization key; `forget` when a Kustomization is deleted.
//
// Thread safety: every member may be called from several workers at once. A lookup checks
// the inputs (reads of the tree) and copies the objects outside the lock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/node.hpp"
#include "core/recording_fs.hpp"
#include "core/thread_annotations.hpp"

namespace plumb::controller {

class RenderCache {
 public:
  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    size_t entries = 0;
  };

  // The objects stored for key ("namespace/name") when they were rendered with the same
  // fingerprint and every input is unchanged in tree; nullopt otherwise.
  std::optional<std::vector<Node>> lookup(const std::string& key, std::string_view fingerprint,
                                          const FileSystem& tree) const EXCLUDES(m_mutex);
  // Keeps the objects for key, replacing what was there. Returns false (and drops what was
  // there) when the inputs cannot be checked later (read from a filesystem without content
  // ids).
  bool store(const std::string& key, std::string fingerprint, RenderInputs inputs,
             std::vector<Node> objects) EXCLUDES(m_mutex);
  void forget(const std::string& key) EXCLUDES(m_mutex);

  Stats stats() const EXCLUDES(m_mutex);
  // Heap bytes of every entry, counting object trees as if nothing were shared (an upper
  // bound).
  size_t heap_bytes() const EXCLUDES(m_mutex);

 private:
  struct Entry {
    std::string fingerprint;
    RenderInputs inputs;
    std::vector<Node> objects;
  };

  mutable Mutex m_mutex;
  std::map<std::string, std::shared_ptr<const Entry>, std::less<>> m_entries GUARDED_BY(m_mutex);
  mutable uint64_t m_hits GUARDED_BY(m_mutex) = 0;
  mutable uint64_t m_misses GUARDED_BY(m_mutex) = 0;
};

}  // namespace plumb::controller

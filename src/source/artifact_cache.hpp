// Artifacts (chart archives, OCI layers) kept on disk by their SHA-256 digest:
// DIR/sha256/<hex>. A file is written beside its final name and renamed into place
// (core replace_file), so a reader sees a whole artifact or none, and two writers of the same
// digest write the same bytes. get() checks the bytes against their name: a damaged file is
// removed and reported absent.
//
// Thread safety: any number of threads and processes may use one directory at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace plumb::source {

class ArtifactCache {
 public:
  explicit ArtifactCache(std::string dir) : m_dir(std::move(dir)) {}

  // The bytes stored for a digest ("sha256:<hex>"); nullopt when absent or damaged.
  std::optional<std::string> get(std::string_view digest) const;
  bool contains(std::string_view digest) const;
  // Stores bytes; returns their digest.
  Result<std::string> put(std::string_view bytes) const;
  // Where the artifact of a digest lives (whether or not it is there); "" for a digest that
  // is not sha256:<64 hex>.
  std::string path(std::string_view digest) const;
  const std::string& dir() const { return m_dir; }

 private:
  std::string m_dir;
};

}  // namespace plumb::source

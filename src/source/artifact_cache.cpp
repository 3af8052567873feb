#include "source/artifact_cache.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/fs.hpp"
#include "source/digest.hpp"

namespace plumb::source {

std::string ArtifactCache::path(std::string_view digest) const {
  if (!is_sha256_digest(digest)) return {};
  return join_path(join_path(m_dir, "sha256"), digest.substr(7));
}

bool ArtifactCache::contains(std::string_view digest) const {
  std::string file = path(digest);
  std::error_code error;
  return !file.empty() && std::filesystem::is_regular_file(file, error);
}

std::optional<std::string> ArtifactCache::get(std::string_view digest) const {
  std::string file = path(digest);
  if (file.empty()) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string text = std::move(bytes).str();
  if (!verify_digest(digest, text, file)) {
    std::error_code error;
    std::filesystem::remove(file, error);
    return std::nullopt;
  }
  return text;
}

Result<std::string> ArtifactCache::put(std::string_view bytes) const {
  std::string digest = sha256_digest(bytes);
  if (contains(digest)) return digest;
  using std::filesystem::perms;
  auto written =
      replace_file(path(digest), bytes, perms::owner_read | perms::owner_write | perms::group_read);
  if (!written) return std::unexpected(written.error().context("artifact cache " + m_dir));
  return digest;
}

}  // namespace plumb::source

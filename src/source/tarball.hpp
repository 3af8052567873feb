// Flux's artifact tarballs (`flux push artifact`, source-controller's storage): the regular
// files of a directory in a tar (ustar; PAX records for paths over 100 bytes) compressed with
// gzip. Reproducible as Flux makes them: entries sorted by path, modification time 0, owner
// 0:0, mode 0644 (0755 when executable), so the same tree gives the same digest. Directories
// named `.git` are left out (flux push artifact's default ignore), as are symlinks and other
// non-regular files. Reading them back is helm/archive.hpp's read_tar_gz.
//
// Thread safety: pure functions (read the file system).
#pragma once

#include <string>

#include "core/error.hpp"

namespace plumb::source {

// The tar+gzip of the files under `dir` (paths relative to it); an error naming the file that
// could not be read.
Result<std::string> tar_gz_directory(const std::string& dir);

}  // namespace plumb::source

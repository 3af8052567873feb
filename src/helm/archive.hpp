// Chart archives (`.tgz`): a gzip stream (zlib; concatenated members read as one, as Go's
// gzip.Reader does) holding a tar archive (ustar, GNU long names, PAX path/size records),
// turned into the chart's files as Helm's loader.LoadArchiveFiles does: the first path
// component (the chart's directory, whatever its name) is dropped, directories and global
// headers are skipped, links become empty files, a UTF-8 byte order mark is cut from each file.
//
// Refused, with Helm's messages: absolute paths ("chart illegally contains absolute paths"),
// `..` ("chart illegally references parent directory"), entries at the top level ("chart
// illegally contains content outside the base directory: ..."), drive letters, a Chart.yaml
// outside a directory ("chart yaml not in base directory"), a file over 5 MiB ("decompressed
// chart file ... is larger than the maximum file size 5242880"), more than 100 MiB in all
// ("decompressed chart is larger than the maximum size 104857600"), an archive with no files
// ("no files in chart archive"), and broken gzip or tar data.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace plumb::helm {

struct ChartFile {
  std::string name;  // '/'-separated, relative to the chart's directory
  std::string data;
};

inline constexpr size_t k_max_chart_size = 100 * 1024 * 1024;  // MaxDecompressedChartSize
inline constexpr size_t k_max_file_size = 5 * 1024 * 1024;     // MaxDecompressedFileSize

Result<std::vector<ChartFile>> read_chart_archive(std::string_view gzip_bytes);
// Any tar+gzip (Flux's artifacts) with the same limits and refusals, its files named as in
// the archive (a leading "./" cut) instead of relative to a chart directory; none is no error.
Result<std::vector<ChartFile>> read_tar_gz(std::string_view gzip_bytes);

// Go's path.Clean ("" is ".", "a/../.." is "..", a leading "/" is kept).
std::string go_path_clean(std::string_view path);

// gzip at best compression, as Helm writes its archives and release records (and Flux its
// artifacts).
std::string gzip(std::string_view data);

// Cuts a leading UTF-8 byte order mark.
std::string_view trim_bom(std::string_view data);

}  // namespace plumb::helm

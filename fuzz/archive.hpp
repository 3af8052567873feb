// The input format of the fuzz targets: a small text archive, so that libFuzzer can mutate
// several files (or documents) held in one input.
//
//   <header: any text up to the first section line>
//   === <name>
//   <text of the section, up to the next section line>
//   === <name>
//   ...
//
// A section line starts with "=== " at the beginning of a line. One newline ends every part
// (before a section line, and at the end of the input): it is not part of the text, so a
// writer puts each text followed by "\n". The views point into the
// input. scripts/fuzz-seeds writes archives from the kustomize cases. Thread safety: pure.
#pragma once

#include <string_view>
#include <vector>

namespace plumb::fuzz {

struct Section {
  std::string_view name;
  std::string_view text;
};

struct Archive {
  std::string_view header;
  std::vector<Section> sections;
};

Archive split_archive(std::string_view input);

}  // namespace plumb::fuzz

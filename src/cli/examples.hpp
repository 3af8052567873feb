// The project's examples/ directory, compiled into the binary (scripts/embed-examples.cmake):
// `plumb up` creates its starting repository from it.
#pragma once

#include <span>
#include <string_view>

namespace plumb::cli {

struct EmbeddedFile {
  std::string_view path;  // relative to examples/, e.g. "apps/base/deployment.yaml"
  std::string_view content;
};

std::span<const EmbeddedFile> example_files();

}  // namespace plumb::cli

#include <cstdio>

#include "cli/cli.hpp"

namespace plumb::cli {

// Filled in by the kustomize engine (issue 3).
int build_command(std::span<const std::string_view>) {
  std::fprintf(stderr, "plumb build: not implemented yet\n");
  return 1;
}

}  // namespace plumb::cli

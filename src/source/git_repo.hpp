// Creating a git repository from files, in one commit, without the git CLI: how `plumb up`
// makes its starting repository.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace plumb::source {

struct RepositoryFile {
  std::string path;  // relative, '/'-separated
  std::string content;
  bool executable = false;
};

// Initializes a repository in dir (which must not hold one yet) on branch `branch`, writes
// files into its work tree and commits them (as the user's git identity, else "plumb"). Returns
// the commit.
Result<std::string> create_repository(const std::string& dir,
                                      const std::vector<RepositoryFile>& files,
                                      std::string_view branch, std::string_view message);

}  // namespace plumb::source

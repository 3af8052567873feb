// Repositories on this machine, without the git CLI: creating one from files in one commit (how
// `plumb up` makes its starting repository), and what `plumb up --repo PATH` needs to know of a
// user's repository (where its hooks go, whether commits in it get an author).
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

// A repository on this machine, found from its work tree or its git directory.
struct LocalRepository {
  std::string hooks_dir;  // core.hooksPath when set, else GIT_DIR/hooks
  bool bare = false;
};
Result<LocalRepository> open_local_repository(const std::string& dir);

// Whether `git commit` in dir finds an author without -c flags: user.name and user.email in
// git's configuration (the repository's, the user's, the system's), or both GIT_AUTHOR_NAME and
// GIT_AUTHOR_EMAIL (with the committer's, or EMAIL) in the environment.
bool has_git_identity(const std::string& dir);

}  // namespace plumb::source

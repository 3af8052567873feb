// RepoSpec: a kustomization entry naming a git repository (a remote base, resource or
// component), parsed the way kustomize v5.5.0 (api/internal/git/repospec.go) parses it:
//
//   https://github.com/org/repo//sub/dir?ref=v1     host "https://github.com/", repo "org/repo"
//   github.com/org/repo/sub/dir?version=v1          (a bare GitHub host: org/repo, then the path)
//   git::https://host/org/repo.git/sub              ("git::" dropped; ".git" ends the repository)
//   ssh://git@host:7999/org/repo.git//sub           git@github.com:org/repo.git/sub (scp-like)
//   file:///abs/path/repo//sub?ref=v1               (file://: the whole path is the repository)
//   https://dev.azure.com/org/project/_git/repo/sub (the segment after "_git/" is the repo)
//
// Query parameters: `ref` (else `version`) is the git ref; `timeout` (seconds or a Go
// duration, default 27s) and `submodules` (a Go bool, default true) fall back to their
// defaults when malformed, and a malformed query leaves every parameter at its default.
//
// Thread safety: pure functions and values.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace plumb::render {

struct RepoSpec {
  std::string raw;             // the entry as written (cycle checks)
  std::string host;            // scheme, user and host: "https://github.com/", "git@host:"
  std::string repo_path;       // "org/repo", "org/repo.git", "/abs/repo" for file://
  std::string kust_root_path;  // the kustomization's directory in the repository, may be ""
  std::string ref;             // branch, tag or commit; "" for the remote's HEAD
  std::chrono::milliseconds timeout{27000};
  bool submodules = true;

  // What `git clone` is given: host + repo_path.
  std::string clone_spec() const { return host + repo_path; }
};

// An error when `entry` is not a git URL (a local path, an absolute path, an unknown scheme).
Result<RepoSpec> parse_repo_spec(std::string_view entry);

// url with the password of its user info replaced by "***" ("https://user:***@host/..."), for
// error messages: tokens written into remote URLs never reach logs or status.
std::string redact_url(std::string_view url);

}  // namespace plumb::render

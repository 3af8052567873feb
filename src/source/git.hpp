// Git sources: a bare repository cache per remote, fetched with libgit2, and read straight
// from its object store (no checkout). Revisions are written the way Flux writes them:
// "main@sha1:<hex>", "v1.2.3@sha1:<hex>", "sha1:<hex>" for a bare commit.
//
// Thread safety: one GitSource is used by one thread at a time; distinct GitSources (distinct
// cache directories) may be used in parallel.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/fs.hpp"

namespace plumb::source {

// spec.ref of a Flux GitRepository; the first set field of commit, name, semver, tag, branch
// wins (Flux's precedence); all empty means branch "master"... Flux defaults to "master".
struct GitRef {
  std::string branch;
  std::string tag;
  std::string semver;
  std::string name;  // a full reference name, e.g. refs/heads/main or refs/pull/1/head
  std::string commit;
};

// Credentials from the Secret a GitRepository references, with Flux's keys.
struct GitAuth {
  std::string username;
  std::string password;
  std::string bearer_token;
  std::string identity;     // SSH private key (PEM / OpenSSH)
  std::string known_hosts;  // for ssh
  std::string ca_pem;       // extra CA for https
};

struct Revision {
  std::string commit;  // 40 hex digits
  std::string text;    // as Flux writes it: "main@sha1:<commit>"
};

// Who made a commit and what its message says.
struct CommitInfo {
  std::string message;  // the whole message, trailing newline dropped
  std::string author;   // "Name <email>"
};

class GitSource {
 public:
  ~GitSource();
  GitSource(GitSource&&) noexcept;
  GitSource& operator=(GitSource&&) noexcept;

  // Opens (creating it if needed) the bare cache repository for url under cache_dir.
  static Result<GitSource> open(const std::string& cache_dir, const std::string& url);

  // The commit ref points at on the remote now, without fetching objects.
  Result<Revision> remote_revision(const GitRef& ref, const GitAuth& auth);
  // The branch the remote's HEAD points at (its default branch, as `git clone` checks out);
  // "" when HEAD names no branch (an empty repository, a detached HEAD).
  Result<std::string> default_branch(const GitAuth& auth);
  // Makes the commit of ref available locally: fetches only when the remote moved past what
  // the cache has. Returns the revision.
  Result<Revision> fetch(const GitRef& ref, const GitAuth& auth);
  // Makes available the commit `git fetch URL <ref>` fetches (kustomize's remote bases): ""
  // is the remote's HEAD; 40 hex digits a commit; otherwise the first advertised ref among
  // <ref>, refs/<ref>, refs/tags/<ref>, refs/heads/<ref>, refs/remotes/<ref>,
  // refs/remotes/<ref>/HEAD (git's order: a tag wins over a branch of the same name). Fetches
  // nothing when the commit is already cached; the error "no such ref" when none matches.
  Result<Revision> fetch_git_ref(const std::string& ref, const GitAuth& auth);
  // The files of a fetched commit, read from the object store.
  Result<std::unique_ptr<FileSystem>> files(const std::string& commit) const;
  // The message and author of a fetched commit (404 when it is not in the cache).
  Result<CommitInfo> commit_info(const std::string& commit) const;

  const std::string& url() const;

 private:
  struct Impl;
  explicit GitSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

// The highest tag satisfying a semver range ("1.2.x", ">=1.0.0 <2.0.0", "^1.2", "~1.2.3",
// "*"), among tag names with or without a leading "v"; nullopt when none does. Masterminds
// semver v3 rules, as source-controller (sprig/semver.hpp, the one implementation).
Result<std::optional<std::string>> highest_matching_tag(const std::vector<std::string>& tags,
                                                        const std::string& range);

}  // namespace plumb::source

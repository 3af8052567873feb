#include <cstdlib>

#include "render/remote.hpp"
#include "source/git.hpp"

namespace plumb::render {
namespace {

// The files of a commit keep their repository handle open: the tree reads through it.
struct OpenTree {
  source::GitSource source;
  std::unique_ptr<FileSystem> fs;  // declared after source: destroyed first
};

}  // namespace

Result<RemoteTree> GitRemoteFetcher::fetch(const RepoSpec& spec) {
  LockGuard lock(m_mutex);
  std::string url = spec.clone_spec();
  // Each fetch opens its own handle on the cache, so trees handed out earlier (read by other
  // builds) never share a libgit2 repository object with this one.
  source::GitSource git = TRY(source::GitSource::open(m_cache_dir, url));
  source::Revision revision = TRY(git.fetch_git_ref(spec.ref, source::GitAuth{}));
  std::unique_ptr<FileSystem> files = TRY(git.files(revision.commit));
  auto holder = std::make_shared<OpenTree>(OpenTree{std::move(git), std::move(files)});
  const FileSystem* fs = holder->fs.get();
  return RemoteTree{std::shared_ptr<const FileSystem>(std::move(holder), fs), revision.commit};
}

std::string default_git_cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && *xdg == '/') return std::string(xdg) + "/plumb/git";
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') return std::string(home) + "/.cache/plumb/git";
  return "/tmp/plumb-git-cache";
}

}  // namespace plumb::render

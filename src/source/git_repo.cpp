#include "source/git_repo.hpp"

#include "source/git2.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

namespace plumb::source {
namespace {

std::unexpected<Error> git_failure(std::string_view what) {
  const git_error* e = git_error_last();
  return std::unexpected(
      Error(std::string(what) + ": " + (e && e->message ? e->message : "unknown error")));
}

template <typename T>
struct Freed {
  T* p = nullptr;
  void (*free)(T*);
  ~Freed() { free(p); }
};

}  // namespace

Result<std::string> create_repository(const std::string& dir,
                                      const std::vector<RepositoryFile>& files,
                                      std::string_view branch, std::string_view message) {
  namespace fs = std::filesystem;
  git_libgit2_init();  // reference-counted; cheap when already done
  if (fs::exists(fs::path(dir) / ".git")) return fail(dir, ": already holds a git repository");
  std::error_code ec;
  for (const RepositoryFile& f : files) {
    fs::path path = fs::path(dir) / f.path;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary);
    out << f.content;
    if (!out.flush()) return fail(path.string(), ": cannot write");
    out.close();
    if (f.executable) fs::permissions(path, fs::perms::owner_exec, fs::perm_options::add, ec);
  }

  std::string head = "refs/heads/" + std::string(branch);
  git_repository_init_options options = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  options.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
  options.initial_head = head.c_str();
  Freed<git_repository> repo{.free = git_repository_free};
  if (git_repository_init_ext(&repo.p, dir.c_str(), &options) != 0)
    return git_failure("git init " + dir);
  Freed<git_index> index{.free = git_index_free};
  if (git_repository_index(&index.p, repo.p) != 0) return git_failure("git index");
  for (const RepositoryFile& f : files) {
    if (git_index_add_bypath(index.p, f.path.c_str()) != 0) return git_failure("git add " + f.path);
  }
  git_oid tree_id, commit_id;
  if (git_index_write(index.p) != 0 || git_index_write_tree(&tree_id, index.p) != 0)
    return git_failure("git write-tree");
  Freed<git_tree> tree{.free = git_tree_free};
  if (git_tree_lookup(&tree.p, repo.p, &tree_id) != 0) return git_failure("git tree");
  Freed<git_signature> signature{.free = git_signature_free};
  if (git_signature_default(&signature.p, repo.p) != 0 &&
      git_signature_now(&signature.p, "plumb", "plumb@localhost") != 0)
    return git_failure("git signature");
  std::string text(message);
  if (git_commit_create(&commit_id, repo.p, "HEAD", signature.p, signature.p, nullptr, text.c_str(),
                        tree.p, 0, nullptr) != 0)
    return git_failure("git commit");
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &commit_id);
  return std::string(hex);
}

Result<LocalRepository> open_local_repository(const std::string& dir) {
  git_libgit2_init();
  Freed<git_repository> repo{.free = git_repository_free};
  if (git_repository_open_ext(&repo.p, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0)
    return git_failure(dir);
  LocalRepository local;
  local.bare = git_repository_is_bare(repo.p);
  local.hooks_dir = std::string(git_repository_commondir(repo.p)) + "hooks";
  Freed<git_config> config{.free = git_config_free};
  if (git_repository_config_snapshot(&config.p, repo.p) == 0) {
    git_buf path = GIT_BUF_INIT;
    if (git_config_get_path(&path, config.p, "core.hooksPath") == 0) {
      std::filesystem::path hooks(path.ptr);
      // Relative to where hooks run: the work tree, or the git directory of a bare repository.
      if (hooks.is_relative()) {
        const char* base =
            local.bare ? git_repository_path(repo.p) : git_repository_workdir(repo.p);
        hooks = std::filesystem::path(base) / hooks;
      }
      local.hooks_dir = hooks.lexically_normal().string();
    }
    git_buf_dispose(&path);
  }
  while (local.hooks_dir.size() > 1 && local.hooks_dir.back() == '/')
    local.hooks_dir.pop_back();
  return local;
}

bool has_git_identity(const std::string& dir) {
  auto in_environment = [](std::initializer_list<const char*> names) {
    return std::ranges::all_of(names, [](const char* name) {
      const char* value = std::getenv(name);
      return value && *value;
    });
  };
  git_libgit2_init();
  Freed<git_repository> repo{.free = git_repository_free};
  Freed<git_config> config{.free = git_config_free};
  if (git_repository_open_ext(&repo.p, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0 ||
      git_repository_config_snapshot(&config.p, repo.p) != 0)
    return false;
  auto in_config = [&](const char* key) {
    const char* value = nullptr;
    return git_config_get_string(&value, config.p, key) == 0 && value && *value;
  };
  bool name = in_config("user.name") || in_environment({"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"});
  bool email = in_config("user.email") || in_environment({"EMAIL"}) ||
               in_environment({"GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"});
  return name && email;
}

}  // namespace plumb::source

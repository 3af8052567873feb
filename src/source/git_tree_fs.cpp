#include "source/git_tree_fs.hpp"

#include "source/git2.hpp"

#include <algorithm>

namespace plumb::source {
namespace {

constexpr int k_max_links = 40;

// "/a/b" → {"a", "b"}.
std::vector<std::string> components(std::string_view clean) {
  std::vector<std::string> out;
  while (!clean.empty()) {
    if (clean.front() == '/') {
      clean.remove_prefix(1);
      continue;
    }
    size_t slash = clean.find('/');
    out.emplace_back(clean.substr(0, slash));
    if (slash == std::string_view::npos) break;
    clean.remove_prefix(slash);
  }
  return out;
}

// Whether a path climbs above "/" with "..", which clean_path would silently clamp.
bool escapes_root(std::string_view path) {
  int depth = 0;
  for (const std::string& part : components(path)) {
    if (part == "..") {
      if (--depth < 0) return true;
    } else if (part != ".") {
      ++depth;
    }
  }
  return false;
}

std::string absolute(std::string_view path) {
  return clean_path(is_abs_path(path) ? std::string(path) : "/" + std::string(path));
}

}  // namespace

GitTreeFs::~GitTreeFs() {
  git_tree_free(m_tree);
}

Result<std::string> GitTreeFs::blob_text(const git_oid& id) const {
  git_blob* blob = nullptr;
  if (git_blob_lookup(&blob, m_repo, &id) != 0) {
    return fail("git: cannot read blob: ", git_error_last() ? git_error_last()->message : "");
  }
  std::string text(static_cast<const char*>(git_blob_rawcontent(blob)),
                   size_t(git_blob_rawsize(blob)));
  git_blob_free(blob);
  return text;
}

// Walks the path one component at a time, replacing symlinks by their targets.
Result<GitTreeFs::Found> GitTreeFs::find_locked(std::string_view path) const {
  std::vector<std::string> pending = components(absolute(path));
  std::reverse(pending.begin(), pending.end());
  Found found{"/", GIT_OBJECT_TREE, *git_tree_id(m_tree)};
  git_tree* tree = m_tree;
  git_tree* owned = nullptr;
  int links = 0;
  auto release = [&] {
    if (owned) git_tree_free(owned);
    owned = nullptr;
  };
  while (!pending.empty()) {
    std::string name = std::move(pending.back());
    pending.pop_back();
    if (name == ".") continue;
    if (!tree) {
      release();
      return fail(path, ": not a directory: ", found.path);
    }
    const git_tree_entry* entry = git_tree_entry_byname(tree, name.c_str());
    if (!entry) {
      release();
      return fail(path, ": no such file or directory");
    }
    git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode == GIT_FILEMODE_LINK) {
      if (++links > k_max_links) {
        release();
        return fail(path, ": too many levels of symbolic links");
      }
      std::string target = TRY(blob_text(*git_tree_entry_id(entry)));
      std::string joined = is_abs_path(target) ? target : found.path + "/" + target;
      std::string clean = clean_path(joined);
      if (escapes_root(joined)) {
        release();
        return fail(path, ": symlink ", join_path(found.path, name),
                    " points outside the repository");
      }
      // Restart from the root with the link's target followed by what is left.
      std::vector<std::string> target_parts = components(clean);
      std::reverse(target_parts.begin(), target_parts.end());
      pending.insert(pending.end(), target_parts.begin(), target_parts.end());
      found = Found{"/", GIT_OBJECT_TREE, *git_tree_id(m_tree)};
      release();
      tree = m_tree;
      continue;
    }
    found.path = join_path(found.path, name);
    found.id = *git_tree_entry_id(entry);
    release();
    if (mode == GIT_FILEMODE_TREE) {
      found.type = GIT_OBJECT_TREE;
      if (git_tree_lookup(&owned, m_repo, &found.id) != 0) {
        return fail(path, ": cannot read tree");
      }
      tree = owned;
    } else {
      found.type = git_tree_entry_type(entry);  // a blob, or a submodule's commit
      tree = nullptr;                           // only valid as the last component
    }
  }
  release();
  return found;
}

Result<std::string> GitTreeFs::resolve(std::string_view path) const {
  LockGuard lock(m_mutex);
  return TRY(find_locked(path)).path;
}

std::optional<std::string> GitTreeFs::content_id(std::string_view path) const {
  LockGuard lock(m_mutex);
  auto found = find_locked(path);
  if (!found) return std::string();
  char hex[GIT_OID_HEXSZ + 2];
  hex[0] = found->type == GIT_OBJECT_TREE ? 't' : found->type == GIT_OBJECT_BLOB ? 'b' : 'c';
  git_oid_tostr(hex + 1, sizeof hex - 1, &found->id);
  return std::string(hex);
}

Result<std::string> GitTreeFs::read_file(std::string_view path) const {
  LockGuard lock(m_mutex);
  Found found = TRY(find_locked(path));
  if (found.type == GIT_OBJECT_TREE) return fail(path, ": is a directory");
  if (found.type != GIT_OBJECT_BLOB) return fail(path, ": is a submodule");
  return blob_text(found.id);
}

Result<std::vector<std::string>> GitTreeFs::list_dir(std::string_view path) const {
  LockGuard lock(m_mutex);
  Found found = TRY(find_locked(path));
  if (found.type != GIT_OBJECT_TREE) return fail(path, ": not a directory");
  git_tree* tree = nullptr;
  if (git_tree_lookup(&tree, m_repo, &found.id) != 0) return fail(path, ": cannot read tree");
  std::vector<std::string> names;
  size_t count = git_tree_entrycount(tree);
  names.reserve(count);
  for (size_t i = 0; i < count; ++i)
    names.emplace_back(git_tree_entry_name(git_tree_entry_byindex(tree, i)));
  git_tree_free(tree);
  std::sort(names.begin(), names.end());
  return names;
}

bool GitTreeFs::is_dir(std::string_view path) const {
  LockGuard lock(m_mutex);
  auto found = find_locked(path);
  return found && found->type == GIT_OBJECT_TREE;
}

bool GitTreeFs::is_file(std::string_view path) const {
  LockGuard lock(m_mutex);
  auto found = find_locked(path);
  return found && found->type == GIT_OBJECT_BLOB;
}

}  // namespace plumb::source

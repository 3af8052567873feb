// The filesystem seam: the render engine reads every input through FileSystem, so the same
// code renders a directory on disk, a tree held in memory (tests) or, later, a git tree.
//
// Paths are '/'-separated. `clean_path` gives the lexical normal form (no "." or "..",
// no doubled or trailing slash); `resolve` also follows symlinks so that load restrictions
// can compare real locations. `content_id` names what a path holds without reading it, so a
// render's inputs can be checked against another tree cheaply (core/recording_fs.hpp).
// Implementations are read-only and safe to share between threads once built.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace plumb {

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::string> read_file(std::string_view path) const = 0;
  // Entry names (not paths) of a directory, sorted.
  virtual Result<std::vector<std::string>> list_dir(std::string_view path) const = 0;
  virtual bool is_dir(std::string_view path) const = 0;
  virtual bool is_file(std::string_view path) const = 0;
  // The absolute, clean path with every symlink followed; an error when it does not exist.
  virtual Result<std::string> resolve(std::string_view path) const = 0;
  // What `path` holds (symlinks followed), as an id that is equal in two trees only when
  // read_file gives the same result in both: for git the object id of the blob or tree, ""
  // when the path does not exist. nullopt when this filesystem cannot tell without reading
  // (the default, and the disk): what was read from it cannot be cached.
  virtual std::optional<std::string> content_id(std::string_view path) const;
};

// The real disk. Relative paths are taken from the process's working directory.
std::unique_ptr<FileSystem> make_disk_fs();

// A tree in memory: files added by path (parent directories appear on their own),
// symlinks as path -> target. Relative paths are taken from "/".
class MemoryFileSystem final : public FileSystem {
 public:
  void add_file(std::string_view path, std::string content);
  void add_dir(std::string_view path);
  void add_symlink(std::string_view path, std::string_view target);

  Result<std::string> read_file(std::string_view path) const override;
  Result<std::vector<std::string>> list_dir(std::string_view path) const override;
  bool is_dir(std::string_view path) const override;
  bool is_file(std::string_view path) const override;
  Result<std::string> resolve(std::string_view path) const override;
  // A file's id is its content; directories have none.
  std::optional<std::string> content_id(std::string_view path) const override;

 private:
  std::map<std::string, std::string, std::less<>> m_files;
  std::map<std::string, std::string, std::less<>> m_links;
  std::map<std::string, int, std::less<>> m_dirs;
};

// Another FileSystem with some files added or replaced (absolute paths). A directory that
// holds added files exists even when the base lacks it. Used to lay generated
// kustomizations over a tree.
class OverlayFileSystem final : public FileSystem {
 public:
  explicit OverlayFileSystem(const FileSystem& base) : m_base(base) {}
  void add_file(std::string_view path, std::string content);

  Result<std::string> read_file(std::string_view path) const override;
  Result<std::vector<std::string>> list_dir(std::string_view path) const override;
  bool is_dir(std::string_view path) const override;
  bool is_file(std::string_view path) const override;
  Result<std::string> resolve(std::string_view path) const override;
  // An added file's id is its content; other paths are the base's, but a directory holding
  // added files has none.
  std::optional<std::string> content_id(std::string_view path) const override;

 private:
  const std::string* extra(std::string_view path) const;
  bool holds_dir(std::string_view path) const;

  const FileSystem& m_base;
  std::map<std::string, std::string, std::less<>> m_files;
};

// Another FileSystem seen below a mount point (an absolute path of one component, such as
// "/source"): `mount + p` here is `p` in the base. Only the mount point exists next to it at
// the root, so generated files can be laid next to the tree (OverlayFileSystem) without
// being inside it — a kustomization outside a tree may refer to the tree's root.
class MountedFileSystem final : public FileSystem {
 public:
  MountedFileSystem(const FileSystem& base, std::string mount)
      : m_base(base), m_mount(std::move(mount)) {}

  Result<std::string> read_file(std::string_view path) const override;
  Result<std::vector<std::string>> list_dir(std::string_view path) const override;
  bool is_dir(std::string_view path) const override;
  bool is_file(std::string_view path) const override;
  Result<std::string> resolve(std::string_view path) const override;
  std::optional<std::string> content_id(std::string_view path) const override;

 private:
  // The base's path for `path`, or nullopt when it is not below the mount point.
  std::optional<std::string> inner(std::string_view path) const;

  const FileSystem& m_base;
  std::string m_mount;
};

// Replaces the file at path on disk with text at once for every reader (a temporary file
// beside it, then rename), creating missing parent directories; the new file gets `mode`
// (e.g. owner read/write only for what holds credentials).
Result<void> replace_file(const std::string& path, std::string_view text,
                          std::filesystem::perms mode);

// Lexical path helpers.
std::string clean_path(std::string_view path);
std::string join_path(std::string_view dir, std::string_view name);
std::string_view dir_name(std::string_view path);   // "a/b" -> "a"; "b" -> "."
std::string_view base_name(std::string_view path);  // "a/b" -> "b"
bool is_abs_path(std::string_view path);
// True when `path` is `root` or below it (both clean and absolute).
bool path_within(std::string_view path, std::string_view root);

}  // namespace plumb

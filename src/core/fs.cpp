#include "core/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace plumb {

std::string clean_path(std::string_view path) {
  bool absolute = !path.empty() && path.front() == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!absolute) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  out.reserve(path.size() + 1);
  if (absolute) out.push_back('/');
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out.push_back('/');
    out.append(parts[k].data(), parts[k].size());
  }
  if (out.empty()) out.push_back('.');
  return out;
}

std::string join_path(std::string_view dir, std::string_view name) {
  if (is_abs_path(name)) return clean_path(name);
  std::string joined(dir);
  joined += '/';
  joined += name;
  return clean_path(joined);
}

std::string_view dir_name(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool is_abs_path(std::string_view path) {
  return !path.empty() && path.front() == '/';
}

bool path_within(std::string_view path, std::string_view root) {
  if (root == "/") return is_abs_path(path);
  if (path.size() < root.size() || path.substr(0, root.size()) != root) return false;
  return path.size() == root.size() || path[root.size()] == '/';
}

std::optional<std::string> FileSystem::content_id(std::string_view) const {
  return std::nullopt;
}

// --- disk ---

namespace {

class DiskFileSystem final : public FileSystem {
 public:
  Result<std::string> read_file(std::string_view path) const override {
    std::string p(path);
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return fail(p, ": ", std::strerror(errno));
    if (S_ISDIR(st.st_mode)) return fail(p, ": is a directory");
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(p, ": cannot open");
    // Read straight into a string sized from stat (one spare byte, so that the read which
    // finds the end needs no growth): an iostream copy cost a chart load (hundreds of files)
    // more than parsing them. The loop also takes files that grow or have no size (pipes).
    std::string out(static_cast<size_t>(std::max<off_t>(st.st_size, 0)) + 1, '\0');
    size_t used = 0;
    for (;;) {
      if (used == out.size()) out.resize(out.size() * 2);
      ssize_t n = ::read(fd, out.data() + used, out.size() - used);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int error = errno;
        ::close(fd);
        return fail(p, ": ", std::strerror(error));
      }
      if (n == 0) break;
      used += static_cast<size_t>(n);
    }
    ::close(fd);
    out.resize(used);
    return out;
  }

  Result<std::vector<std::string>> list_dir(std::string_view path) const override {
    std::string p(path);
    DIR* dir = ::opendir(p.c_str());
    if (dir == nullptr) return fail(p, ": ", std::strerror(errno));
    std::vector<std::string> names;
    while (dirent* entry = ::readdir(dir)) {
      std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      names.emplace_back(name);
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    return names;
  }

  bool is_dir(std::string_view path) const override {
    struct stat st {};
    return ::stat(std::string(path).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  bool is_file(std::string_view path) const override {
    struct stat st {};
    return ::stat(std::string(path).c_str(), &st) == 0 && S_ISREG(st.st_mode);
  }

  Result<std::string> resolve(std::string_view path) const override {
    char buffer[PATH_MAX];
    std::string p(path);
    if (::realpath(p.c_str(), buffer) == nullptr) return fail(p, ": ", std::strerror(errno));
    return std::string(buffer);
  }
};

}  // namespace

Result<void> replace_file(const std::string& path, std::string_view text,
                          std::filesystem::perms mode) {
  namespace fs = std::filesystem;
  fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  std::string tmp = path + ".plumb-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return fail(tmp, ": cannot write");
    fs::permissions(tmp, mode, fs::perm_options::replace, ec);
    out.write(text.data(), std::streamsize(text.size()));
    if (!out.flush()) return fail(tmp, ": write failed");
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return fail(path, ": cannot replace: ", ec.message());
  }
  return {};
}

std::unique_ptr<FileSystem> make_disk_fs() {
  return std::make_unique<DiskFileSystem>();
}

// --- memory ---

namespace {

std::string mem_abs(std::string_view path) {
  return is_abs_path(path) ? clean_path(path) : join_path("/", path);
}

}  // namespace

void MemoryFileSystem::add_dir(std::string_view path) {
  std::string p = mem_abs(path);
  while (true) {
    m_dirs[p] = 1;
    if (p == "/") break;
    p = std::string(dir_name(p));
  }
}

void MemoryFileSystem::add_file(std::string_view path, std::string content) {
  std::string p = mem_abs(path);
  add_dir(dir_name(p));
  m_files[p] = std::move(content);
}

void MemoryFileSystem::add_symlink(std::string_view path, std::string_view target) {
  std::string p = mem_abs(path);
  add_dir(dir_name(p));
  m_links[p] = std::string(target);
}

Result<std::string> MemoryFileSystem::resolve(std::string_view path) const {
  // Follow links component by component; a bound on steps stops link cycles.
  std::string p = mem_abs(path);
  for (int steps = 0; steps < 64; ++steps) {
    std::string done = "/";
    bool changed = false;
    std::string_view rest = std::string_view(p).substr(1);
    while (!rest.empty()) {
      size_t slash = rest.find('/');
      std::string_view part = rest.substr(0, slash);
      rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
      std::string next = join_path(done, part);
      auto link = m_links.find(next);
      if (link != m_links.end()) {
        std::string target =
            is_abs_path(link->second) ? link->second : join_path(done, link->second);
        p = rest.empty() ? clean_path(target) : join_path(target, rest);
        changed = true;
        break;
      }
      done = next;
    }
    if (!changed) {
      if (!m_files.contains(p) && !m_dirs.contains(p)) {
        return fail(std::string(path), ": no such file or directory");
      }
      return p;
    }
  }
  return fail(std::string(path), ": too many levels of symbolic links");
}

Result<std::string> MemoryFileSystem::read_file(std::string_view path) const {
  std::string p = TRY(resolve(path));
  auto it = m_files.find(p);
  if (it == m_files.end()) return fail(std::string(path), ": is a directory");
  return it->second;
}

Result<std::vector<std::string>> MemoryFileSystem::list_dir(std::string_view path) const {
  std::string p = TRY(resolve(path));
  if (!m_dirs.contains(p)) return fail(std::string(path), ": not a directory");
  std::string prefix = p == "/" ? "/" : p + "/";
  std::vector<std::string> names;
  auto collect = [&](const auto& table) {
    for (auto it = table.lower_bound(prefix); it != table.end(); ++it) {
      std::string_view key = it->first;
      if (key.substr(0, prefix.size()) != prefix) break;
      std::string_view rest = key.substr(prefix.size());
      if (rest.empty() || rest.find('/') != std::string_view::npos) continue;
      names.emplace_back(rest);
    }
  };
  collect(m_files);
  collect(m_links);
  collect(m_dirs);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::optional<std::string> MemoryFileSystem::content_id(std::string_view path) const {
  auto p = resolve(path);
  if (!p) return std::string();
  auto it = m_files.find(*p);
  if (it == m_files.end()) return std::nullopt;
  return "f:" + it->second;
}

bool MemoryFileSystem::is_dir(std::string_view path) const {
  auto p = resolve(path);
  return p && m_dirs.contains(*p);
}

bool MemoryFileSystem::is_file(std::string_view path) const {
  auto p = resolve(path);
  return p && m_files.contains(*p);
}

void OverlayFileSystem::add_file(std::string_view path, std::string content) {
  m_files[clean_path(path)] = std::move(content);
}

const std::string* OverlayFileSystem::extra(std::string_view path) const {
  std::string clean = clean_path(is_abs_path(path) ? std::string(path) : "/" + std::string(path));
  auto it = m_files.find(clean);
  return it == m_files.end() ? nullptr : &it->second;
}

Result<std::string> OverlayFileSystem::read_file(std::string_view path) const {
  if (const std::string* text = extra(path)) return *text;
  return m_base.read_file(path);
}

bool OverlayFileSystem::holds_dir(std::string_view path) const {
  std::string dir = clean_path(path);
  for (const auto& [file, text] : m_files) {
    if (dir_name(file) == dir) return true;
  }
  return false;
}

Result<std::vector<std::string>> OverlayFileSystem::list_dir(std::string_view path) const {
  std::vector<std::string> names;
  if (m_base.is_dir(path) || !holds_dir(path)) names = TRY(m_base.list_dir(path));
  std::string dir = clean_path(path);
  for (const auto& [file, text] : m_files) {
    if (dir_name(file) != dir) continue;
    std::string name(base_name(file));
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool OverlayFileSystem::is_dir(std::string_view path) const {
  return m_base.is_dir(path) || holds_dir(path);
}

bool OverlayFileSystem::is_file(std::string_view path) const {
  return extra(path) != nullptr || m_base.is_file(path);
}

std::optional<std::string> OverlayFileSystem::content_id(std::string_view path) const {
  if (const std::string* text = extra(path)) return "f:" + *text;
  if (holds_dir(path)) return std::nullopt;
  return m_base.content_id(path);
}

Result<std::string> OverlayFileSystem::resolve(std::string_view path) const {
  if (extra(path)) return clean_path(path);
  if (!m_base.is_dir(path) && holds_dir(path)) return clean_path(path);
  return m_base.resolve(path);
}

std::optional<std::string> MountedFileSystem::inner(std::string_view path) const {
  std::string clean = clean_path(is_abs_path(path) ? std::string(path) : "/" + std::string(path));
  if (clean == m_mount) return "/";
  if (clean.size() > m_mount.size() && clean.starts_with(m_mount) && clean[m_mount.size()] == '/')
    return clean.substr(m_mount.size());
  return std::nullopt;
}

Result<std::string> MountedFileSystem::read_file(std::string_view path) const {
  auto in = inner(path);
  if (!in) return fail(path, ": no such file");
  return m_base.read_file(*in);
}

Result<std::vector<std::string>> MountedFileSystem::list_dir(std::string_view path) const {
  if (clean_path(path) == "/") return std::vector<std::string>{m_mount.substr(1)};
  auto in = inner(path);
  if (!in) return fail(path, ": no such directory");
  return m_base.list_dir(*in);
}

bool MountedFileSystem::is_dir(std::string_view path) const {
  if (clean_path(path) == "/") return true;
  auto in = inner(path);
  return in && m_base.is_dir(*in);
}

bool MountedFileSystem::is_file(std::string_view path) const {
  auto in = inner(path);
  return in && m_base.is_file(*in);
}

Result<std::string> MountedFileSystem::resolve(std::string_view path) const {
  if (clean_path(path) == "/") return std::string("/");
  auto in = inner(path);
  if (!in) return fail(path, ": no such file or directory");
  std::string resolved = TRY(m_base.resolve(*in));
  return resolved == "/" ? m_mount : m_mount + resolved;
}

std::optional<std::string> MountedFileSystem::content_id(std::string_view path) const {
  auto in = inner(path);
  if (!in) return std::nullopt;
  return m_base.content_id(*in);
}

}  // namespace plumb

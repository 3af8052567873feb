#include "source/tarball.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "helm/archive.hpp"

namespace plumb::source {
namespace {

namespace fs = std::filesystem;

// An octal field of `size` bytes (size-1 digits and a NUL).
void octal(std::string& block, size_t offset, size_t size, uint64_t value) {
  std::string digits(size - 1, '0');
  for (size_t i = size - 1; i-- > 0 && value > 0; value >>= 3)
    digits[i] = char('0' + (value & 7));
  std::memcpy(block.data() + offset, digits.data(), digits.size());
}

std::string header(std::string_view name, char type, uint64_t size, unsigned mode) {
  std::string block(512, '\0');
  std::memcpy(block.data(), name.data(), std::min<size_t>(name.size(), 100));
  octal(block, 100, 8, mode);
  octal(block, 108, 8, 0);  // uid
  octal(block, 116, 8, 0);  // gid
  octal(block, 124, 12, size);
  octal(block, 136, 12, 0);  // mtime
  block[156] = type;
  std::memcpy(block.data() + 257,
              "ustar\0"
              "00",
              8);
  std::memset(block.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : block)
    sum += c;
  octal(block, 148, 7, sum);  // six digits, NUL, then the space already there
  return block;
}

void pad(std::string& tar) {
  tar.append((512 - tar.size() % 512) % 512, '\0');
}

// A PAX "path" record for a name the header cannot hold.
std::string pax_path_record(std::string_view name) {
  std::string body = " path=" + std::string(name) + "\n";
  size_t length = body.size();
  while (std::to_string(length).size() + body.size() != length)
    length = std::to_string(length).size() + body.size();
  return std::to_string(length) + body;
}

}  // namespace

Result<std::string> tar_gz_directory(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return fail(dir, ": not a directory");
  std::vector<fs::path> files;
  fs::recursive_directory_iterator it(dir, ec), end;
  if (ec) return fail(dir, ": ", ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return fail(dir, ": ", ec.message());
    if (it->is_directory(ec) && !it->is_symlink(ec) && it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) files.push_back(it->path());
  }
  std::vector<std::pair<std::string, fs::path>> named;
  for (const fs::path& p : files)
    named.emplace_back(fs::relative(p, dir).generic_string(), p);
  std::sort(named.begin(), named.end());
  std::string tar;
  for (const auto& [name, path] : named) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    if (!in) return fail(path.string(), ": cannot read");
    std::string data = std::move(bytes).str();
    auto perms = fs::status(path, ec).permissions();
    bool executable = (perms & fs::perms::owner_exec) != fs::perms::none;
    if (name.size() > 100) {
      std::string record = pax_path_record(name);
      tar += header("PaxHeaders/" + name.substr(0, 80), 'x', record.size(), 0644);
      tar += record;
      pad(tar);
    }
    tar += header(name, '0', data.size(), executable ? 0755 : 0644);
    tar += data;
    pad(tar);
  }
  tar.append(1024, '\0');
  return helm::gzip(tar);
}

}  // namespace plumb::source

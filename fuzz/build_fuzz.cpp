// libFuzzer target: renders a kustomize tree held in memory.
//
// The input is an archive (archive.hpp). Its header is the first line of a case's RUN and
// ARGS: the directory to render and `kubectl kustomize` flags,
//
//   overlay --reorder=none --load-restrictor=LoadRestrictionsNone --enable-managedby-label
//
// and each section is a file (`=== base/deployment.yaml`) or a symlink
// (`=== link -> target`). The tree is rendered with render_path (the kustomize engine, or a
// generated kustomization for a plain directory). Errors are fine; a crash, a leak, undefined
// behaviour, or output that does not read back as the same documents is a bug.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "archive.hpp"
#include "check.hpp"
#include "core/fs.hpp"
#include "core/yaml.hpp"
#include "render/render_path.hpp"

namespace plumb::fuzz {
namespace {

constexpr std::string_view k_link = " -> ";

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (at < line.size()) {
    size_t end = line.find(' ', at);
    if (end == std::string_view::npos) end = line.size();
    if (end > at) out.push_back(line.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

struct Run {
  std::string dir = "/";  // the Loader takes relative paths from the process's directory
  render::BuildOptions options;
};

Run read_header(std::string_view header) {
  Run run;
  std::vector<std::string_view> args = words(header.substr(0, header.find('\n')));
  for (std::string_view arg : args) {
    if (arg == "--reorder=none") {
      run.options.reorder = render::Reorder::none;
    } else if (arg == "--reorder=legacy") {
      run.options.reorder = render::Reorder::legacy;
    } else if (arg == "--load-restrictor=LoadRestrictionsNone") {
      run.options.restrictor = render::LoadRestrictor::none;
    } else if (arg == "--enable-managedby-label") {
      run.options.managed_by_label = true;
    } else if (!arg.starts_with("--")) {
      run.dir = join_path("/", arg);
    }
  }
  return run;
}

MemoryFileSystem read_tree(const Archive& archive) {
  MemoryFileSystem fs;
  for (const Section& section : archive.sections) {
    size_t link = section.name.find(k_link);
    if (link != std::string_view::npos) {
      fs.add_symlink(section.name.substr(0, link), section.name.substr(link + k_link.size()));
    } else if (!section.name.empty()) {
      fs.add_file(section.name, std::string(section.text));
    }
  }
  return fs;
}

// What plumb build prints must read back as the documents it printed.
void check_output(const std::vector<Node>& documents) {
  std::string out = to_yaml_stream(documents);
  auto again = parse_yaml_stream(out, "output");
  if (!again)
    report_bug("build_fuzz", "the output does not parse: " + again.error().message(), out);
  if (!std::ranges::equal(*again, documents, same_document))
    report_bug("build_fuzz", "the output reads back as other documents", out);
}

}  // namespace
}  // namespace plumb::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plumb::fuzz;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Archive archive = split_archive(input);
  Run run = read_header(archive.header);
  plumb::MemoryFileSystem fs = read_tree(archive);
  auto documents = plumb::render::render_path(fs, run.dir, run.options);
  if (documents) check_output(*documents);
  return 0;
}

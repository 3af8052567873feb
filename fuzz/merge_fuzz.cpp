// libFuzzer target: strategic merge patch, JSON patch and JSON merge patch of two documents.
//
// The input is an archive (archive.hpp): the header's first line chooses the schema type,
//
//   apps/v1 Deployment      the root type of a built-in kind
//   core/v1.PodSpec         a built-in type by name (unknown names merge as untyped)
//   (empty)                 the type of the original's apiVersion and kind
//
// and the first two sections are the original and the patch, each YAML or, when it starts
// with `{` or `[`, JSON. The patch is applied in both dialects (MergeOptions::kubernetes()
// and kustomize()), as a JSON patch when it is a list, and as a merge patch. Errors are fine;
// a crash, a leak, undefined behaviour, a changed input, an empty patch that changes a map,
// or a result that does not read back from its JSON or YAML is a bug.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive.hpp"
#include "check.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "merge/merge.hpp"
#include "merge/schema.hpp"

namespace plumb::fuzz {
namespace {

// The schema type named by the header; nullopt: find it from the original.
std::optional<SchemaType> read_type(std::string_view header) {
  std::string_view line = header.substr(0, header.find('\n'));
  while (line.ends_with(' '))
    line.remove_suffix(1);
  if (line.empty()) return std::nullopt;
  const Schema& schema = Schema::builtin();
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return schema.type(line);
  auto kind = schema.kind(line.substr(0, space), line.substr(space + 1));
  return kind ? kind->type : SchemaType();
}

Result<Node> read_document(std::string_view text, std::string_view source) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    return parse_json(text, source);
  }
  return parse_yaml(text, source);
}

[[noreturn]] void bug(std::string_view what, const Node& original, const Node& patch) {
  report_bug("merge_fuzz", what, "original: " + to_json(original) + "\npatch: " + to_json(patch));
}

// A result is written as JSON and as YAML; each must read back as the same document.
void check_written(const Result<Node>& result) {
  if (!result) return;
  std::string json = to_json(*result, JsonStyle::indented);
  auto from_json = parse_json(json, "written json");
  if ((!from_json || !same_document(*from_json, *result)) && !has_non_finite(*result)) {
    report_bug("merge_fuzz", "JSON does not read back", json);
  }
  std::string yaml = to_yaml(*result);
  auto from_yaml = parse_yaml(yaml, "written yaml");
  if (!from_yaml || !same_document(*from_yaml, *result))
    report_bug("merge_fuzz", "YAML does not read back", yaml);
}

Result<Node> smp(const Node& original, const Node& patch, const std::optional<SchemaType>& type,
                 const MergeOptions& options) {
  if (type) return strategic_merge(original, patch, *type, options);
  return strategic_merge(original, patch, Schema::builtin(), options);
}

void merge_both_ways(const Node& original, const Node& patch,
                     const std::optional<SchemaType>& type) {
  for (const MergeOptions& options : {MergeOptions::kubernetes(), MergeOptions::kustomize()}) {
    check_written(smp(original, patch, type, options));
    if (!original.is_map()) continue;
    auto same = smp(original, Node::map(), type, options);
    if (!same || !same_document(*same, original))
      bug("an empty patch changed the original", original, patch);
  }
  if (patch.is_list()) check_written(json_patch(original, patch));
  check_written(merge_patch(original, patch));
}

}  // namespace
}  // namespace plumb::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plumb::fuzz;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Archive archive = split_archive(input);
  if (archive.sections.size() < 2) return 0;
  auto original = read_document(archive.sections[0].text, "original");
  auto patch = read_document(archive.sections[1].text, "patch");
  if (!original || !patch) return 0;
  std::string original_before = plumb::to_json(*original);
  std::string patch_before = plumb::to_json(*patch);
  merge_both_ways(*original, *patch, read_type(archive.header));
  if (plumb::to_json(*original) != original_before || plumb::to_json(*patch) != patch_before) {
    bug("a merge changed its input", *original, *patch);
  }
  return 0;
}

// The kustomization file model: reads kustomization.yaml (or .yml, or Kustomization) into a
// map with canonical field names. Field names match case-insensitively, as kustomize reads
// them; deprecated fields are folded into their successors (bases -> resources,
// imageTags -> images, string-list patches -> patchesStrategicMerge, env -> envs).
// Unknown fields are an error naming the file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::render {

struct Kustomization {
  std::string file;  // the path it was read from, for messages
  std::string api_version;
  std::string kind;           // Kustomization or Component
  Node fields = Node::map();  // canonical field name -> value

  bool is_component() const { return kind == "Component"; }
  const Node* get(std::string_view field) const;
  std::string_view string(std::string_view field) const;
  // A list of strings field; an error names the field when it holds something else.
  Result<std::vector<std::string>> strings(std::string_view field) const;
  bool has_build_metadata(std::string_view option) const;
};

// The file names kustomize recognises in a directory, in its order.
inline constexpr std::string_view k_kustomization_file_names[] = {
    "kustomization.yaml", "kustomization.yml", "Kustomization"};

// Parses the content of a kustomization file; `file` names it in errors.
Result<Kustomization> parse_kustomization(std::string_view content, std::string_view file);

// Finds a key in a map ignoring ASCII case (kustomize's JSON field matching).
const Node* find_field(const Node& map, std::string_view key);

// kustomize's image.Split: "[[host[:port]/]component/]component[:tag][@digest]" into its name,
// tag and digest (the first ':' or '@' after the host decides).
void split_image(std::string_view image, std::string& name, std::string& tag, std::string& digest);

}  // namespace plumb::render

#include "cli/get_output.hpp"

#include <cctype>

#include "core/json.hpp"
#include "core/sort_keys.hpp"
#include "core/yaml.hpp"

namespace plumb::cli::flux {
namespace {

// kubectl hides managedFields unless --show-managed-fields.
Node shown(const Node& object) {
  Node out = object;
  if (Node* metadata = out.find_mut("metadata"); metadata && metadata->is_map())
    metadata->erase("managedFields");
  return out;
}

std::string as_text(const Node& value, GetOutput output) {
  // Keys sorted both ways: kubectl marshals unstructured objects, Go maps.
  Node sorted = sort_keys(value);
  if (output == GetOutput::json) return to_json(sorted, JsonStyle::indented4) + "\n";
  return to_yaml(sorted, {.compact_sequences = true, .fold_long_strings = false});
}

std::string name_of(const Node& object) {
  std::string kind(object.string_at({"kind"}));
  for (char& c : kind)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  std::string_view api_version = object.string_at({"apiVersion"});
  size_t slash = api_version.find('/');
  if (slash != std::string_view::npos) kind += "." + std::string(api_version.substr(0, slash));
  return kind + "/" + std::string(object.string_at({"metadata", "name"})) + "\n";
}

}  // namespace

Result<GetOutput> parse_get_output(std::string_view text) {
  if (text.empty()) return GetOutput::table;
  if (text == "wide") return GetOutput::wide;
  if (text == "json") return GetOutput::json;
  if (text == "yaml") return GetOutput::yaml;
  if (text == "name") return GetOutput::name;
  return fail("--output: \"", text, "\" is not one of json, yaml, wide, name");
}

std::string format_object(const Node& object, GetOutput output) {
  if (output == GetOutput::name) return name_of(object);
  return as_text(shown(object), output);
}

std::string format_objects(std::span<const Node> objects, GetOutput output) {
  if (output == GetOutput::name) {
    std::string out;
    for (const Node& o : objects)
      out += name_of(o);
    return out;
  }
  Node items = Node::list();
  for (const Node& o : objects)
    items.push_back(shown(o));
  Node list = Node::map();
  list.set("apiVersion", Node::string("v1"));
  list.set("items", std::move(items));
  list.set("kind", Node::string("List"));
  Node metadata = Node::map();
  metadata.set("resourceVersion", Node::string(""));
  list.set("metadata", std::move(metadata));
  return as_text(list, output);
}

std::string source_column(const Node& object) {
  if (std::string_view url = object.string_at({"spec", "url"}); !url.empty())
    return std::string(url);
  if (const Node* ref = object.at_path({"spec", "sourceRef"}))
    return std::string(ref->string_at({"kind"})) + "/" + std::string(ref->string_at({"name"}));
  if (const Node* chart = object.at_path({"spec", "chart", "spec"})) {
    std::string out(chart->string_at({"chart"}));
    if (std::string_view v = chart->string_at({"version"}); !v.empty()) out += "@" + std::string(v);
    return out;
  }
  if (const Node* ref = object.at_path({"spec", "chartRef"}))
    return std::string(ref->string_at({"kind"})) + "/" + std::string(ref->string_at({"name"}));
  return "";
}

}  // namespace plumb::cli::flux

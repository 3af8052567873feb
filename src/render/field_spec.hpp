// Field specs: "which field of which kinds" a transformer touches, as data.
//
// A path is '/'-separated map keys ("spec/template/metadata/labels"); "\/" is a literal
// slash inside a key; a key ending in "[]" names a list. When the walk meets a list it visits
// every element. With `create`, missing maps on the way (and the last field) are created.
// TransformerConfig holds the field spec lists of every builtin transformer; the defaults are
// kustomize's tables, and `configurations:` files and CRDs add to them.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "render/resid.hpp"

namespace plumb::render {

struct FieldSpec {
  Gvk gvk;
  std::string path;
  bool create = false;
  friend bool operator==(const FieldSpec&, const FieldSpec&) = default;
};

using FieldSpecs = std::vector<FieldSpec>;

// Splits "a.b[x=y.z].c" on the dots outside brackets (replacements' and vars' field paths).
std::vector<std::string> split_dotted_path(std::string_view path);
// Splits a field spec path into keys (escapes resolved, "[]" kept on list keys).
std::vector<std::string> split_field_path(std::string_view path);

enum class CreateKind { none, scalar, map };

// Calls visit on every field that `spec` selects in `object` (when the object's kind is
// selected). With spec.create and create != none, a missing last field is created as that
// kind (a string "" or an empty map) before visit sees it.
using FieldVisitor = std::function<Result<void>(Node& field)>;
Result<void> visit_field_spec(Node& object, const FieldSpec& spec, CreateKind create,
                              const FieldVisitor& visit);
// The same over a list of specs.
Result<void> visit_field_specs(Node& object, const FieldSpecs& specs, CreateKind create,
                               const FieldVisitor& visit);

// Fields referring by name to objects of one kind (nameReference entries).
struct NameBackRef {
  Gvk gvk;
  FieldSpecs referrers;
};

struct TransformerConfig {
  FieldSpecs name_prefix;
  FieldSpecs name_suffix;
  FieldSpecs name_space;
  FieldSpecs common_labels;
  FieldSpecs template_labels;
  FieldSpecs labels;  // added to every `labels:` entry
  FieldSpecs common_annotations;
  FieldSpecs var_reference;
  FieldSpecs images;
  FieldSpecs replicas;
  std::vector<NameBackRef> name_reference;

  static const TransformerConfig& defaults();
  // Reads a `configurations:` document (keys namePrefix, commonLabels, nameReference ...).
  static Result<TransformerConfig> from_node(const Node& doc, std::string_view source);
  Result<void> merge(const TransformerConfig& other);
};

// Appends spec unless an equal one is present; a spec that differs only in `create` is an
// error, as in kustomize.
Result<void> merge_field_spec(FieldSpecs& specs, const FieldSpec& spec);
Result<FieldSpec> field_spec_from_node(const Node& node, std::string_view source);

}  // namespace plumb::render

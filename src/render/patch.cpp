// Patches: PatchStrategicMergeTransformer (patchesStrategicMerge), PatchTransformer
// (patches: SMP or JSON 6902, by target selector or by the patch's own id) and
// PatchJson6902Transformer (patchesJson6902). The merging itself is the merge module's.
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "merge/merge.hpp"
#include "render/kustomization.hpp"
#include "render/plugin.hpp"

namespace plumb::render {
namespace {

SchemaType type_of(const Node& obj, const PluginContext& ctx) {
  const Schema& schema = ctx.schema != nullptr ? *ctx.schema : Schema::builtin();
  auto info = schema.kind(obj.string_at({"apiVersion"}), obj.string_at({"kind"}));
  return info ? info->type : SchemaType();
}

struct SmPatch {
  Node patch;
  bool allow_name_change = false;
  bool allow_kind_change = false;
};

// Applies one SMP to resource `target` (kustomize's Resource.ApplySmPatch); returns false
// when the patch deleted the object.
Result<bool> apply_smp(Resource& target, const SmPatch& sm, const PluginContext& ctx) {
  std::string name(target.name());
  std::string ns(target.ns());
  std::string kind(target.kind());
  if (sm.allow_name_change || sm.allow_kind_change) target.store_previous_id();
  Node merged = TRY(
      strategic_merge(target.obj, sm.patch, type_of(target.obj, ctx), MergeOptions::kustomize()));
  if (merged.is_null() || (merged.is_map() && merged.empty())) return false;
  target.obj = std::move(merged);
  if (!sm.allow_kind_change) target.obj.set("kind", Node::string(kind));
  if (!sm.allow_name_change) target.set_name(name);
  if (ns.empty()) {
    if (Node* md = target.obj.find_mut("metadata")) md->erase("namespace");
  } else {
    target.set_namespace(ns);
  }
  return true;
}

// Applies a patch to the selected resources, dropping those it deletes.
Result<void> apply_to(ResourceSet& set, const std::vector<size_t>& picked, const SmPatch& sm,
                      const PluginContext& ctx, bool adopt_target_gvk) {
  std::vector<bool> deleted(set.size(), false);
  bool any_deleted = false;
  for (size_t i : picked) {
    Resource& target = set.mut()[i];
    SmPatch copy = sm;
    if (adopt_target_gvk) {
      copy.patch.set("apiVersion", target.obj.find("apiVersion") ? *target.obj.find("apiVersion")
                                                                 : Node::string(""));
    }
    auto kept = apply_smp(target, copy, ctx);
    if (!kept) {
      return std::unexpected(kept.error().context("applying patch to " + target.cur_id().str()));
    }
    if (!*kept) {
      deleted[i] = true;
      any_deleted = true;
    }
  }
  if (any_deleted) {
    size_t index = 0;
    set.filter([&](const Resource&) { return !deleted[index++]; });
  }
  return {};
}

Result<size_t> one_by_id(const ResourceSet& set, const ResId& id) {
  std::vector<size_t> matches = set.by_any_id(id);
  if (matches.size() == 1) return matches[0];
  if (matches.empty()) {
    return fail("no matches for Id ", id.str(), "; failed to find unique target for patch ",
                id.str());
  }
  return fail("multiple matches for Id ", id.str(), "; failed to find unique target for patch ",
              id.str());
}

// Parses patch text as strategic merge patches (maps); nullopt when it is not YAML maps.
std::optional<std::vector<Node>> as_smp(std::string_view text, std::string_view source) {
  auto docs = parse_yaml_stream(text, source);
  if (!docs || docs->empty()) return std::nullopt;
  for (const Node& d : *docs) {
    if (!d.is_map()) return std::nullopt;
  }
  return std::move(*docs);
}

Result<Node> as_json_patch(std::string_view text, std::string_view source) {
  std::string_view trimmed = text;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) {
    trimmed.remove_prefix(1);
  }
  Node ops;
  if (trimmed.starts_with("[")) {
    ops = TRY(parse_json(trimmed, source));
  } else {
    ops = TRY(parse_yaml(text, source));
  }
  if (!ops.is_list()) return fail(source, ": a JSON 6902 patch must be a list of operations");
  return ops;
}

Result<std::string> patch_text(const Node& config, const PluginContext& ctx,
                               std::string_view path_field, std::string_view inline_field) {
  const Node* path = find_field(config, path_field);
  const Node* inline_patch = find_field(config, inline_field);
  bool has_path = path != nullptr && !path->as_string().empty();
  std::string text = inline_patch != nullptr ? std::string(inline_patch->as_string()) : "";
  bool has_inline = text.find_first_not_of(" \t\r\n") != std::string::npos;
  if (has_path && has_inline) return fail("patch and path can't be set at the same time");
  if (!has_path && !has_inline) return fail("must specify one of patch and path");
  if (has_path) return ctx.loader->load(path->as_string());
  return text;
}

Result<void> apply_json_patch(ResourceSet& set, const std::vector<size_t>& picked,
                              const Node& ops) {
  for (size_t i : picked) {
    Resource& r = set.mut()[i];
    r.store_previous_id();
    auto patched = json_patch(r.obj, ops);
    if (!patched) {
      return std::unexpected(patched.error().context("applying patch to " + r.cur_id().str()));
    }
    r.obj = std::move(*patched);
  }
  return {};
}

}  // namespace

Result<Transform> make_patch_smp(const Node& config, const PluginContext& ctx) {
  std::vector<Node> patches;
  if (const Node* paths = find_field(config, "paths"); paths && paths->is_list()) {
    for (const Node& entry : paths->items()) {
      std::string_view text = entry.as_string();
      if (auto inline_docs = as_smp(text, "patchesStrategicMerge")) {
        for (Node& d : *inline_docs)
          patches.push_back(std::move(d));
        continue;
      }
      std::string content = TRY(ctx.loader->load(text));
      std::string source = join_path(ctx.loader->root(), text);
      for (Node& d : TRY(parse_yaml_stream(content, source))) {
        if (!d.is_map()) return fail(source, ": a patch must be a YAML map");
        patches.push_back(std::move(d));
      }
    }
  }
  if (const Node* inline_patches = find_field(config, "patches")) {
    for (Node& d : TRY(parse_yaml_stream(inline_patches->as_string(), "patches"))) {
      patches.push_back(std::move(d));
    }
  }
  if (patches.empty()) return fail("patchesStrategicMerge: patch appears to be empty");
  PluginContext context = ctx;
  return Transform([patches, context](ResourceSet& set) -> Result<void> {
    for (const Node& patch : patches) {
      size_t target = TRY(one_by_id(set, ResId::of(patch)));
      TRY_VOID(apply_to(set, {target}, SmPatch{patch}, context, true));
    }
    return {};
  });
}

Result<Transform> make_patch(const Node& config, const PluginContext& ctx) {
  std::string text = TRY(patch_text(config, ctx, "path", "patch"));
  std::optional<Selector> selector;
  if (const Node* target = find_field(config, "target"); target && !target->is_null()) {
    selector = TRY(Selector::parse(*target));
  }
  SmPatch sm;
  if (const Node* options = find_field(config, "options")) {
    if (const Node* v = options->find("allowNameChange")) sm.allow_name_change = v->as_bool();
    if (const Node* v = options->find("allowKindChange")) sm.allow_kind_change = v->as_bool();
  }
  PluginContext context = ctx;
  if (auto docs = as_smp(text, "patch")) {
    std::vector<SmPatch> patches;
    for (const Node& doc : *docs) {
      SmPatch one = sm;
      one.patch = doc;
      patches.push_back(std::move(one));
    }
    return Transform([patches, selector, context](ResourceSet& set) -> Result<void> {
      for (const SmPatch& patch : patches) {
        if (!selector) {
          size_t target = TRY(one_by_id(set, ResId::of(patch.patch)));
          TRY_VOID(apply_to(set, {target}, patch, context, false));
        } else {
          TRY_VOID(apply_to(set, select(set, *selector), patch, context, true));
        }
      }
      return {};
    });
  }
  Node ops = TRY(as_json_patch(text, "patch"));
  if (!selector) return fail("patches: must specify a target for JSON 6902 patch ", text);
  return Transform([ops, selector](ResourceSet& set) -> Result<void> {
    return apply_json_patch(set, select(set, *selector), ops);
  });
}

Result<Transform> make_patch_json6902(const Node& config, const PluginContext& ctx) {
  const Node* target = find_field(config, "target");
  if (target == nullptr || target->is_null()) {
    return fail("patchesJson6902: must specify the target field");
  }
  Selector selector = TRY(Selector::parse(*target));
  std::string text = TRY(patch_text(config, ctx, "path", "jsonOp"));
  Node ops = TRY(as_json_patch(text, "patchesJson6902"));
  return Transform([ops, selector](ResourceSet& set) -> Result<void> {
    return apply_json_patch(set, select(set, selector), ops);
  });
}

}  // namespace plumb::render

// Patches of documents: strategic merge patch (Kubernetes' own), JSON patch (RFC 6902) and
// JSON merge patch (RFC 7386). Each returns a new document; the inputs are not changed (the
// result shares unchanged subtrees with the original, copy-on-write).
//
// Errors name the path in the document ("spec.template.spec.containers[1]: ...") and, for
// JSON patch, the operation index. Thread safety: pure functions.
#pragma once

#include <cstdint>

#include "core/error.hpp"
#include "core/node.hpp"
#include "merge/schema.hpp"

namespace plumb {

// Strategic merge patch has two dialects that differ in a few corners (each checked against
// `kubectl patch --local --type strategic` and `kubectl kustomize`). The defaults are the
// Kubernetes API server's (PATCH with application/strategic-merge-patch+json, the patches
// kubectl apply sends); MergeOptions::kustomize() gives kustomize v5.5's patchesStrategicMerge.
struct MergeOptions {
  // $setElementOrder/<list>, $retainKeys, $deleteFromPrimitiveList/<list>.
  enum class ListDirectives : uint8_t {
    apply,           // Kubernetes: they act, then disappear
    keep_as_fields,  // kustomize does not know them: they are copied like any other field
  };
  // `field: {$patch: delete}`.
  enum class MapDelete : uint8_t {
    empty_map,     // Kubernetes leaves `field: {}`
    remove_field,  // kustomize removes the field
  };
  // A patch value whose shape differs from the original's (a map against a scalar ...).
  enum class Mismatch : uint8_t {
    replace,  // Kubernetes: the patch value wins
    error,    // kustomize refuses ("wrong node kind")
  };

  // Where the items of a merged list go.
  enum class ListOrder : uint8_t {
    kubernetes,   // patch items in patch order, interleaved with original-only items so that
                  // those keep their place relative to the items they preceded
    patch_first,  // kustomize (kyaml, ListIncreaseDirection prepend): patch items, then
                  // original-only items
  };
  // `$patch: merge` on a map or list item.
  enum class MergeDirective : uint8_t {
    error,   // Kubernetes refuses it
    accept,  // kustomize reads it as a plain merge
  };
  // patchStrategy "replace" on a struct field (PodDisruptionBudget spec.selector ...).
  enum class ReplaceStrategy : uint8_t {
    apply,   // Kubernetes: the patch value replaces the original map
    ignore,  // kustomize's schema does not carry it: the maps merge
  };

  // Maps and scalars mixed in a list that merges (patchStrategy merge), counting the
  // original's items and the patch's, directives included (["a", {$patch: replace}]).
  enum class MixedItems : uint8_t {
    error,   // Kubernetes: "list element types are not identical"
    accept,  // kustomize
  };

  // A patch list item without the list's merge key.
  enum class MissingMergeKey : uint8_t {
    error,              // Kubernetes: "map: ... does not contain declared merge key"
    copy_when_missing,  // kustomize (kyaml): when the original has no such list (or an empty
                        // one) the patch list is copied; otherwise still an error (kyaml
                        // would drop every item)
  };

  ListDirectives list_directives = ListDirectives::apply;
  MapDelete map_delete = MapDelete::empty_map;
  Mismatch mismatch = Mismatch::replace;
  ListOrder list_order = ListOrder::kubernetes;
  MergeDirective merge_directive = MergeDirective::error;
  ReplaceStrategy replace_strategy = ReplaceStrategy::apply;
  MixedItems mixed_items = MixedItems::error;
  MissingMergeKey missing_merge_key = MissingMergeKey::error;

  static MergeOptions kubernetes() { return {}; }
  static MergeOptions kustomize() {
    return {.list_directives = ListDirectives::keep_as_fields,
            .map_delete = MapDelete::remove_field,
            .mismatch = Mismatch::error,
            .list_order = ListOrder::patch_first,
            .merge_directive = MergeDirective::accept,
            .replace_strategy = ReplaceStrategy::ignore,
            .mixed_items = MixedItems::accept,
            .missing_merge_key = MissingMergeKey::copy_when_missing};
  }
};

// Applies a strategic merge patch to `original`, whose type is `type` (for an object, the
// root type of its kind: Schema::kind(apiVersion, kind)->type; an unknown SchemaType merges
// maps and replaces lists).
//  - maps merge recursively; a null value deletes the key; patchStrategy replace replaces;
//  - lists follow patchStrategy: merge with patchMergeKey matches items by key (an item
//    without the key is an error), merge on scalars is a set union, anything else replaces;
//    the order of the result follows MergeOptions::list_order;
//  - directives: `$patch: replace|merge|delete` on maps and list items, `{$patch: replace}`
//    as a list item, $setElementOrder/<list>, $retainKeys, $deleteFromPrimitiveList/<list>.
// A top-level `$patch: delete` gives an empty map (kubernetes) or a null Node (kustomize: the
// object is removed). Non-map inputs: the patch replaces the original.
Result<Node> strategic_merge(const Node& original, const Node& patch, SchemaType type,
                             const MergeOptions& options = {});

// The same, with the type found from the original's apiVersion and kind in `schema`
// (unknown kinds merge maps and replace lists).
Result<Node> strategic_merge(const Node& original, const Node& patch, const Schema& schema,
                             const MergeOptions& options = {});

// RFC 6902 JSON patch: `patch` is a list of operations (add, remove, replace, move, copy,
// test). Errors read "json patch: operation 2 (replace /spec/x): path not found".
Result<Node> json_patch(const Node& original, const Node& patch);

// RFC 7386 JSON merge patch: maps merge recursively, null deletes, anything else replaces.
Node merge_patch(const Node& original, const Node& patch);

// The merge patch that turns original into modified (evanphx/json-patch's CreateMergePatch, as
// Argo CD computes a resource action's patch): keys added or changed with their new value (maps
// recursively, lists whole), removed keys as null; an empty map when nothing differs. Non-map
// arguments: modified.
Node create_merge_patch(const Node& original, const Node& modified);

}  // namespace plumb

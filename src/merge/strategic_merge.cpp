// Strategic merge patch. The result starts as a copy of the original (O(1), copy-on-write)
// and only the maps and lists the patch touches are cloned and changed.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "merge/merge.hpp"

namespace plumb {

namespace {

constexpr std::string_view k_patch = "$patch";
constexpr std::string_view k_retain_keys = "$retainKeys";
constexpr std::string_view k_set_order = "$setElementOrder/";
constexpr std::string_view k_delete_primitive = "$deleteFromPrimitiveList/";

// What a map holds: the fields of a struct type, or (map[string]T) values all of one type.
struct Shape {
  SchemaType type;
  bool map_of = false;
};

// A child value's schema: the field (when the parent is a struct) and the child's shape.
struct Child {
  std::optional<SchemaField> field;
  Shape shape;
};

Child child_of(const Shape& parent, std::string_view key) {
  Child c;
  if (parent.map_of) {
    c.shape.type = parent.type;
    return c;
  }
  c.field = parent.type.field(key);
  if (c.field) c.shape = Shape{c.field->type(), c.field->kind() == ValueKind::map};
  return c;
}

bool is_directive_delete(const Node& value) {
  const Node* d = value.find(k_patch);
  return d && d->as_string() == "delete";
}

std::string join(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out(path);
  out.append(".").append(key);
  return out;
}

std::string item_path(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

class Merger {
 public:
  explicit Merger(const MergeOptions& options) : m_options(options) {}

  bool apply_list_directives() const {
    return m_options.list_directives == MergeOptions::ListDirectives::apply;
  }

  Result<Node> merge_map(Node original, const Node& patch, const Shape& shape,
                         const std::string& path) {
    if (const Node* directive = patch.find(k_patch)) {
      std::string_view d = directive->as_string();
      if (d == "replace") {
        Node rest = patch;
        rest.erase(k_patch);
        return merge_map(Node::map(), rest, shape, path);
      }
      if (d == "delete") return Node::map();
      if (d != "merge" || m_options.merge_directive == MergeOptions::MergeDirective::error)
        return fail(path_or_root(path), ": invalid $patch directive \"", d, "\" (expected ",
                    expected_directives(), ")");
    }
    if (!original.is_map()) original = Node::map();

    const Node* retain = nullptr;
    std::vector<std::pair<std::string_view, const Node*>> orders;
    std::vector<std::pair<std::string_view, const Node*>> deletions;
    if (apply_list_directives()) {
      for (const MapEntry& e : patch.entries()) {
        std::string_view key = e.key.as_string();
        if (key == k_retain_keys) {
          retain = &e.value;
        } else if (key.starts_with(k_set_order)) {
          orders.emplace_back(key.substr(k_set_order.size()), &e.value);
        } else if (key.starts_with(k_delete_primitive)) {
          deletions.emplace_back(key.substr(k_delete_primitive.size()), &e.value);
        }
      }
    }
    if (retain) TRY_VOID(retain_keys(original, patch, *retain, path));

    for (const MapEntry& e : patch.entries()) {
      std::string_view key = e.key.as_string();
      if (key == k_patch || (apply_list_directives() && is_list_directive(key))) continue;
      const Node& value = e.value;
      std::string child_path = join(path, key);
      Child child = child_of(shape, key);
      if (value.is_null()) {
        original.erase(key);
        continue;
      }
      if (value.is_map() && is_directive_delete(value)) {
        if (m_options.map_delete == MergeOptions::MapDelete::remove_field)
          original.erase(key);
        else if (original.find(key))
          original.set(key, Node::map());
        continue;
      }
      const Node* order = find_directive(orders, key);
      const Node* deletes = find_directive(deletions, key);
      Node* existing = original.find_mut(key);
      if (!existing || existing->is_null()) {
        Node fresh = TRY(clean(value, child, child_path));
        // $deleteFromPrimitiveList applies after the merge, to the patch's own items too.
        if (deletes && fresh.is_list()) remove_values(fresh, *deletes);
        original.set(key, std::move(fresh));
        continue;
      }
      if (existing->is_map() && value.is_map()) {
        if (child.field && child.field->patch_replace() &&
            m_options.replace_strategy == MergeOptions::ReplaceStrategy::apply) {
          *existing = TRY(clean(value, child, child_path));
        } else {
          Node merged = TRY(merge_map(std::move(*existing), value, child.shape, child_path));
          *original.find_mut(key) = std::move(merged);
        }
      } else if (existing->is_list() && value.is_list()) {
        Node merged = TRY(merge_list(std::move(*existing), value, child, order, child_path));
        if (deletes) remove_values(merged, *deletes);
        *original.find_mut(key) = std::move(merged);
      } else {
        if (m_options.mismatch == MergeOptions::Mismatch::error &&
            existing->is_container() != value.is_container())
          return fail(child_path, ": cannot merge ", kind_name(value), " into ",
                      kind_name(*existing));
        *existing = TRY(clean(value, child, child_path));
      }
    }

    // $setElementOrder and $deleteFromPrimitiveList for lists the patch does not change.
    for (auto [key, order] : orders) {
      if (patch.find(key)) continue;
      Node* existing = original.find_mut(key);
      if (!existing || !existing->is_list()) continue;
      Child child = child_of(shape, key);
      Node merged =
          TRY(merge_list(std::move(*existing), Node::list(), child, order, join(path, key)));
      if (const Node* deletes = find_directive(deletions, key)) remove_values(merged, *deletes);
      *original.find_mut(key) = std::move(merged);
    }
    for (auto [key, deletes] : deletions) {
      if (patch.find(key) || find_directive(orders, key)) continue;
      Node* existing = original.find_mut(key);
      if (existing && existing->is_list()) remove_values(*existing, *deletes);
    }
    return original;
  }

 private:
  const MergeOptions& m_options;

  const char* expected_directives() const {
    return m_options.merge_directive == MergeOptions::MergeDirective::accept
               ? "replace, merge or delete"
               : "replace or delete";
  }

  static std::string path_or_root(std::string_view path) {
    return path.empty() ? std::string("<root>") : std::string(path);
  }

  static const char* kind_name(const Node& value) {
    if (value.is_map()) return "a map";
    if (value.is_list()) return "a list";
    return "a scalar";
  }

  static bool is_list_directive(std::string_view key) {
    return key == k_retain_keys || key.starts_with(k_set_order) ||
           key.starts_with(k_delete_primitive);
  }

  static const Node* find_directive(
      const std::vector<std::pair<std::string_view, const Node*>>& list, std::string_view key) {
    for (auto [k, v] : list)
      if (k == key) return v;
    return nullptr;
  }

  // $retainKeys: keys of the original not listed are dropped before merging.
  static Result<void> retain_keys(Node& original, const Node& patch, const Node& keep,
                                  const std::string& path) {
    if (!keep.is_list())
      return fail(path_or_root(path), ": $retainKeys must be a list of field names");
    auto listed = [&](std::string_view key) {
      for (const Node& k : keep.items())
        if (k.as_string() == key) return true;
      return false;
    };
    for (const MapEntry& e : patch.entries()) {
      std::string_view key = e.key.as_string();
      if (key.starts_with("$") || e.value.is_null()) continue;
      if (!listed(key))
        return fail(path_or_root(path), ": field \"", key, "\" is not listed in $retainKeys");
    }
    std::vector<std::string> drop;
    for (const MapEntry& e : original.entries())
      if (!listed(e.key.as_string())) drop.emplace_back(e.key.as_string());
    for (const std::string& key : drop)
      original.erase(key);
    return {};
  }

  static void remove_values(Node& list, const Node& values) {
    if (!list.is_list() || !values.is_list()) return;
    auto items = list.items();
    Node kept = Node::list(items.size());
    for (const Node& item : items) {
      bool drop = false;
      for (const Node& v : values.items())
        if (item == v) drop = true;
      if (!drop) kept.push_back(item);
    }
    list = std::move(kept);
  }

  // A patch value with no original to merge into: nulls and directives are dropped.
  Result<Node> clean(const Node& value, const Child& child, const std::string& path) {
    if (value.is_map()) return merge_map(Node::map(), value, child.shape, path);
    if (value.is_list()) return merge_list(Node::list(), value, child, nullptr, path);
    return value;
  }

  Result<Node> merge_list(Node original, const Node& patch, const Child& child, const Node* order,
                          const std::string& path);

  Result<Node> merge_scalars(const Node& original, const std::vector<Node>& patch,
                             const Node* order);
  Result<Node> merge_by_key(const Node& original, const std::vector<Node>& patch,
                            const std::vector<size_t>& positions, std::string_view key,
                            const Child& child, const Node* order, const std::string& path);

  template <typename IndexFn>
  std::vector<Node> ordered(std::vector<Node>& others, std::vector<Node>& wanted,
                            IndexFn index_in_original) const;
};

// Orders a merged list as Kubernetes does: `wanted` items (those the patch or its
// $setElementOrder names) in the wanted order, the others in their original order, the two
// interleaved so that an original-only item stays before a wanted item that followed it in
// the original. index_in_original gives -1 for items the original lacks.
template <typename IndexFn>
std::vector<Node> interleave(const std::vector<Node>& others, const std::vector<Node>& wanted,
                             IndexFn index_in_original) {
  std::vector<Node> out;
  out.reserve(others.size() + wanted.size());
  size_t i = 0;
  size_t j = 0;
  while (i < others.size() || j < wanted.size()) {
    if (j == wanted.size()) {
      out.push_back(others[i++]);
    } else if (i == others.size()) {
      out.push_back(wanted[j++]);
    } else {
      long left = index_in_original(others[i]);
      long right = index_in_original(wanted[j]);
      if (left >= 0 && right >= 0 && left < right)
        out.push_back(others[i++]);
      else
        out.push_back(wanted[j++]);
    }
  }
  return out;
}

// Stable sort of `items` by where `rank` places them; unranked items keep their place after.
template <typename RankFn>
void sort_by_rank(std::vector<Node>& items, RankFn rank) {
  std::stable_sort(items.begin(), items.end(), [&](const Node& a, const Node& b) {
    long ra = rank(a);
    long rb = rank(b);
    if (ra < 0) return false;
    if (rb < 0) return true;
    return ra < rb;
  });
}

template <typename IndexFn>
std::vector<Node> Merger::ordered(std::vector<Node>& others, std::vector<Node>& wanted,
                                  IndexFn index_in_original) const {
  if (m_options.list_order == MergeOptions::ListOrder::kubernetes)
    return interleave(others, wanted, index_in_original);
  std::vector<Node> out = std::move(wanted);
  for (Node& n : others)
    out.push_back(std::move(n));
  return out;
}

Result<Node> Merger::merge_list(Node original, const Node& patch, const Child& child,
                                const Node* order, const std::string& path) {
  StrategicList how = child.field ? child.field->strategic_list() : StrategicList{};
  if (how.strategy != StrategicList::Strategy::replace &&
      m_options.mixed_items == MergeOptions::MixedItems::error) {
    size_t maps = 0;
    for (const Node& n : original.items())
      maps += n.is_map();
    for (const Node& n : patch.items())
      maps += n.is_map();
    if (maps != 0 && maps != original.size() + patch.size())
      return fail(path, ": list items are not all of one type (maps and scalars mixed)");
  }

  // Special items: {$patch: replace} replaces the whole list, {$patch: delete, key: v}
  // removes the original's item with that key.
  bool replace_all = false;
  std::vector<Node> items;
  std::vector<size_t> positions;  // each item's index in the patch list, for error paths
  items.reserve(patch.size());
  size_t index = 0;
  for (const Node& item : patch.items()) {
    const Node* directive = item.is_map() ? item.find(k_patch) : nullptr;
    if (!directive) {
      items.push_back(item);
      positions.push_back(index);
      ++index;
      continue;
    }
    std::string_view d = directive->as_string();
    if (d == "replace") {
      replace_all = true;
    } else if (d == "delete") {
      if (how.strategy == StrategicList::Strategy::merge_by_key) {
        const Node* key = item.find(how.merge_key);
        if (!key)
          return fail(item_path(path, index), ": $patch: delete item lacks the merge key \"",
                      how.merge_key, "\"");
        Node kept = Node::list(original.size());
        for (const Node& o : original.items()) {
          const Node* ok = o.find(how.merge_key);
          if (!ok || !(*ok == *key)) kept.push_back(o);
        }
        original = std::move(kept);
      }
    } else if (d == "merge" && m_options.merge_directive == MergeOptions::MergeDirective::accept) {
      Node rest = item;
      rest.erase(k_patch);
      items.push_back(std::move(rest));
      positions.push_back(index);
    } else {
      return fail(item_path(path, index), ": invalid $patch directive \"", d, "\" (expected ",
                  expected_directives(), ")");
    }
    ++index;
  }

  Child element;
  element.shape = Shape{child.shape.type, false};
  bool keyless =
      how.strategy == StrategicList::Strategy::merge_by_key &&
      m_options.missing_merge_key == MergeOptions::MissingMergeKey::copy_when_missing &&
      (!original.is_list() || original.empty()) &&
      std::any_of(items.begin(), items.end(), [&](const Node& n) {
        return n.is_map() && n.find(how.merge_key) == nullptr && n.find("$patch") == nullptr;
      });
  if (replace_all || keyless || how.strategy == StrategicList::Strategy::replace) {
    Node out = Node::list(items.size());
    for (size_t i = 0; i < items.size(); ++i)
      out.push_back(TRY(clean(items[i], element, item_path(path, positions[i]))));
    return out;
  }
  if (how.strategy == StrategicList::Strategy::merge_primitives) {
    bool scalars =
        std::all_of(items.begin(), items.end(), [](const Node& n) { return !n.is_container(); });
    if (!scalars) {
      // Kubernetes cannot merge maps without a merge key; the patch list stands.
      Node out = Node::list(items.size());
      for (size_t i = 0; i < items.size(); ++i)
        out.push_back(TRY(clean(items[i], element, item_path(path, positions[i]))));
      return out;
    }
    return merge_scalars(original, items, order);
  }
  return merge_by_key(original, items, positions, how.merge_key, element, order, path);
}

Result<Node> Merger::merge_scalars(const Node& original, const std::vector<Node>& patch,
                                   const Node* order) {
  auto index_of = [](std::span<const Node> list, const Node& value) -> long {
    for (size_t i = 0; i < list.size(); ++i)
      if (list[i] == value) return static_cast<long>(i);
    return -1;
  };
  std::vector<Node> merged;
  auto add_unique = [&](const Node& n) {
    for (const Node& m : merged)
      if (m == n) return;
    merged.push_back(n);
  };
  for (const Node& n : original.items())
    add_unique(n);
  for (const Node& n : patch)
    add_unique(n);
  std::span<const Node> wanted_order =
      order && order->is_list() ? order->items() : std::span<const Node>(patch);
  std::vector<Node> wanted;
  std::vector<Node> others;
  for (const Node& n : merged)
    (index_of(wanted_order, n) >= 0 ? wanted : others).push_back(n);
  sort_by_rank(wanted, [&](const Node& n) { return index_of(wanted_order, n); });
  std::vector<Node> out =
      ordered(others, wanted, [&](const Node& n) { return index_of(original.items(), n); });
  Node list = Node::list(out.size());
  for (Node& n : out)
    list.push_back(std::move(n));
  return list;
}

Result<Node> Merger::merge_by_key(const Node& original, const std::vector<Node>& patch,
                                  const std::vector<size_t>& positions, std::string_view key,
                                  const Child& element, const Node* order,
                                  const std::string& path) {
  auto key_of = [&](const Node& n) -> const Node* { return n.is_map() ? n.find(key) : nullptr; };
  auto index_by_key = [&](std::span<const Node> list, const Node& value) -> long {
    for (size_t i = 0; i < list.size(); ++i) {
      const Node* k = key_of(list[i]);
      if (k && *k == value) return static_cast<long>(i);
    }
    return -1;
  };

  std::vector<Node> merged(original.items().begin(), original.items().end());
  for (size_t i = 0; i < patch.size(); ++i) {
    const Node& item = patch[i];
    std::string at = item_path(path, positions[i]);
    if (!item.is_map())
      return fail(at, ": expected a map with the merge key \"", key, "\", got a ",
                  item.is_list() ? "list" : "scalar");
    const Node* value = item.find(key);
    if (!value) return fail(at, ": item lacks the merge key \"", key, "\"");
    long found = index_by_key(merged, *value);
    if (found >= 0) {
      merged[static_cast<size_t>(found)] =
          TRY(merge_map(std::move(merged[static_cast<size_t>(found)]), item, element.shape, at));
    } else {
      merged.push_back(TRY(merge_map(Node::map(), item, element.shape, at)));
    }
  }

  // The items named by $setElementOrder (or else by the patch) take that order.
  std::vector<Node> order_keys;
  if (order && order->is_list()) {
    for (const Node& o : order->items())
      order_keys.push_back(o.is_map() ? (key_of(o) ? *key_of(o) : Node()) : o);
  } else {
    for (const Node& p : patch)
      order_keys.push_back(*key_of(p));
  }
  auto rank = [&](const Node& n) -> long {
    const Node* k = key_of(n);
    if (!k) return -1;
    for (size_t i = 0; i < order_keys.size(); ++i)
      if (order_keys[i] == *k) return static_cast<long>(i);
    return -1;
  };
  std::vector<Node> wanted;
  std::vector<Node> others;
  for (Node& n : merged)
    (rank(n) >= 0 ? wanted : others).push_back(std::move(n));
  sort_by_rank(wanted, rank);
  std::vector<Node> out = ordered(others, wanted, [&](const Node& n) -> long {
    const Node* k = key_of(n);
    return k ? index_by_key(original.items(), *k) : -1;
  });
  Node list = Node::list(out.size());
  for (Node& n : out)
    list.push_back(std::move(n));
  return list;
}

}  // namespace

Result<Node> strategic_merge(const Node& original, const Node& patch, SchemaType type,
                             const MergeOptions& options) {
  if (!patch.is_map() || !original.is_map()) {
    if (patch.is_map() && original.is_null()) {
      // Creating from nothing: clean the patch.
    } else {
      return patch;
    }
  }
  if (is_directive_delete(patch)) {
    if (options.map_delete == MergeOptions::MapDelete::remove_field) return Node();
    return Node::map();
  }
  Merger merger(options);
  auto merged = merger.merge_map(original, patch, Shape{type, false}, "");
  if (!merged) return std::unexpected(merged.error().context("strategic merge patch"));
  return merged;
}

Result<Node> strategic_merge(const Node& original, const Node& patch, const Schema& schema,
                             const MergeOptions& options) {
  auto kind = schema.kind(original.string_at({"apiVersion"}), original.string_at({"kind"}));
  return strategic_merge(original, patch, kind ? kind->type : SchemaType(), options);
}

}  // namespace plumb

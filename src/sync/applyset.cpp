#include "sync/applyset.hpp"

#include <openssl/evp.h>

#include "core/base64.hpp"

namespace plumb::sync {
namespace {

constexpr std::string_view k_id_label = "applyset.kubernetes.io/id";
constexpr std::string_view k_part_of_label = "applyset.kubernetes.io/part-of";
constexpr std::string_view k_group_kinds = "applyset.kubernetes.io/contains-group-kinds";
constexpr std::string_view k_tooling = "applyset.kubernetes.io/tooling";

std::string sha256(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

// URL-safe base64 without padding.
std::string base64_url(std::string_view bytes) {
  std::string out = base64_encode(bytes);
  while (!out.empty() && out.back() == '=')
    out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

const kube::Resource k_secrets{"", "v1", "Secret", "secrets", true};

std::set<std::string> split_group_kinds(std::string_view text) {
  std::set<std::string> out;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    if (!part.empty()) out.emplace(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

ApplySet ApplySet::for_parent(std::string name, std::string namespace_) {
  std::string id = "applyset-" + base64_url(sha256(name + "." + namespace_ + ".Secret.")) + "-v1";
  return ApplySet{std::move(name), std::move(namespace_), std::move(id)};
}

std::string group_kind(const ObjectRef& ref) {
  return ref.group.empty() ? ref.kind : ref.kind + "." + ref.group;
}

void label_members(Plan& plan, const ApplySet& set) {
  for (auto* stage : {&plan.definitions, &plan.workloads}) {
    for (PlannedObject& o : *stage) {
      o.object["metadata"]["labels"].set(k_part_of_label, Node::string(set.id));
    }
  }
}

Result<std::vector<PlannedObject>> load_members(kube::Client& client, const ApplySet& set) {
  auto parent = TRY(client.get(k_secrets, set.namespace_, set.name));
  std::vector<PlannedObject> members;
  if (!parent) return members;
  if (parent->string_at({"metadata", "labels", k_id_label}) != set.id) {
    return fail("Secret/", set.namespace_, "/", set.name,
                ": exists but is not the parent of this apply set (label ", k_id_label, ")");
  }
  std::string selector = std::string(k_part_of_label) + "=" + set.id;
  for (const std::string& gk :
       split_group_kinds(parent->string_at({"metadata", "annotations", k_group_kinds}))) {
    size_t dot = gk.find('.');
    std::string kind = gk.substr(0, dot);
    std::string group = dot == std::string::npos ? "" : gk.substr(dot + 1);
    auto resource = client.resource_for_group_kind(group, kind);
    if (!resource) {
      if (resource.error().code() == 404) continue;  // the kind is gone (CRD deleted)
      return std::unexpected(resource.error());
    }
    Node list = TRY(client.list(*resource, "", selector));
    const Node* items = list.find("items");
    for (const Node& item : items ? items->items() : std::span<const Node>()) {
      ObjectRef ref = ObjectRef::of(item);
      ref.group = resource->group;
      ref.version = resource->version;
      ref.kind = resource->kind;
      members.push_back(PlannedObject{std::move(ref), item, *resource});
    }
  }
  return members;
}

Result<void> write_parent(kube::Client& client, const ApplySet& set,
                          const std::set<std::string>& group_kinds, kube::DryRun dry_run) {
  std::string kinds;
  for (const std::string& gk : group_kinds) {
    if (!kinds.empty()) kinds += ",";
    kinds += gk;
  }
  // A parent that already says this costs a read, not a write.
  auto current = TRY(client.get(k_secrets, set.namespace_, set.name));
  if (current && current->string_at({"metadata", "labels", k_id_label}) == set.id &&
      current->string_at({"metadata", "annotations", k_group_kinds}) == kinds) {
    return {};
  }
  Node parent = Node::map();
  parent.set("apiVersion", Node::string("v1"));
  parent.set("kind", Node::string("Secret"));
  Node& meta = parent["metadata"];
  meta.set("name", Node::string(set.name));
  meta.set("namespace", Node::string(set.namespace_));
  meta["labels"].set(k_id_label, Node::string(set.id));
  meta["annotations"].set(k_tooling, Node::string("plumb/v0.1.0"));
  meta["annotations"].set(k_group_kinds, Node::string(kinds));
  TRY(client.apply(k_secrets, parent, "plumb", kube::Force::yes, dry_run));
  return {};
}

namespace {

std::set<std::string> group_kinds(const Plan& plan) {
  std::set<std::string> out;
  for (const PlannedObject& o : all_objects(plan))
    out.insert(group_kind(o.ref));
  return out;
}

}  // namespace

Result<SyncResult> sync_applyset(Syncer& syncer, kube::Client& client, const ApplySet& set,
                                 const Plan& plan, const RunOptions& options,
                                 kube::DryRun dry_run) {
  auto previous = load_members(client, set);
  if (!previous) return std::unexpected(previous.error().context("inventory"));
  std::set<std::string> kinds = group_kinds(plan);
  std::set<std::string> all_kinds = kinds;
  for (const PlannedObject& o : *previous)
    all_kinds.insert(group_kind(o.ref));
  if (auto written = write_parent(client, set, all_kinds, dry_run); !written) {
    return std::unexpected(written.error().context("inventory"));
  }
  SyncResult result = syncer.run(plan, *previous, options);
  if (result.ok() && options.prune == Prune::yes) {
    if (auto written = write_parent(client, set, kinds, dry_run); !written) {
      result.fail(SyncStep::prune, written.error().context("inventory"));
    }
  }
  return result;
}

}  // namespace plumb::sync

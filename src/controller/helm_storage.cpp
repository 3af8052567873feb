#include "controller/helm_storage.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "core/json.hpp"
#include "core/yaml.hpp"

namespace plumb::controller {

using helm::Release;
using helm::ReleaseStatus;

Result<kube::Resource> HelmStorage::secrets() {
  return m_client.resource_for("v1", "Secret");
}

Result<std::vector<Release>> HelmStorage::history(std::string_view ns, std::string_view name) {
  kube::Resource resource = TRY(secrets());
  Node list = TRY(m_client.list(resource, ns, "owner=helm,name=" + std::string(name)));
  std::vector<Release> out;
  if (const Node* items = list.find("items")) {
    for (const Node& item : items->items()) {
      if (item.string_at({"type"}) != helm::k_release_secret_type) continue;
      auto release = helm::release_from_secret(item);
      if (release && release->name == name) out.push_back(std::move(*release));
    }
  }
  std::ranges::sort(out, {}, &Release::version);
  return out;
}

Result<std::optional<Release>> HelmStorage::latest(std::string_view ns, std::string_view name) {
  std::vector<Release> all = TRY(history(ns, name));
  if (all.empty()) return std::optional<Release>();
  return std::optional<Release>(std::move(all.back()));
}

Result<std::optional<Release>> HelmStorage::deployed(std::string_view ns, std::string_view name) {
  std::vector<Release> all = TRY(history(ns, name));
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (it->info.status == ReleaseStatus::deployed) return std::optional<Release>(std::move(*it));
  }
  return std::optional<Release>();
}

Result<void> HelmStorage::remove_least_recent(std::string_view ns, std::string_view name,
                                              size_t keep) {
  std::vector<Release> all = TRY(history(ns, name));
  if (all.size() <= keep) return {};
  int64_t last_deployed = 0;
  for (const Release& r : all) {
    if (r.info.status == ReleaseStatus::deployed) last_deployed = r.version;
  }
  kube::Resource resource = TRY(secrets());
  size_t removed = 0;
  for (const Release& r : all) {
    if (all.size() - removed == keep) break;
    if (r.version == last_deployed) continue;
    TRY(m_client.remove(resource, ns, helm::release_secret_name(name, r.version)));
    ++removed;
  }
  return {};
}

std::string HelmStorage::storage_namespace(const Release& release) const {
  return m_options.storage_namespace.empty() ? release.namespace_name : m_options.storage_namespace;
}

Result<void> HelmStorage::create(const Release& release, SystemTime now) {
  if (m_options.max_history > 0) {
    TRY(remove_least_recent(storage_namespace(release), release.name,
                            static_cast<size_t>(m_options.max_history - 1)));
  }
  kube::Resource resource = TRY(secrets());
  Node secret = helm::release_secret(release, helm::StorageWrite::create, now);
  secret["metadata"].set("namespace", Node::string(storage_namespace(release)));
  TRY(m_client.request(
      {.method = "POST",
       .target = kube::resource_path(resource, storage_namespace(release), ""),
       .body = to_json(secret),
       .content_type = "application/json"},
      "create release " + release.name + " revision " + std::to_string(release.version)));
  return {};
}

Result<void> HelmStorage::update(const Release& release, SystemTime now) {
  kube::Resource resource = TRY(secrets());
  Node secret = helm::release_secret(release, helm::StorageWrite::update, now);
  secret["metadata"].set("namespace", Node::string(storage_namespace(release)));
  TRY(m_client.request(
      {.method = "PUT",
       .target = kube::resource_path(resource, storage_namespace(release),
                                     secret.string_at({"metadata", "name"})),
       .body = to_json(secret),
       .content_type = "application/json"},
      "update release " + release.name + " revision " + std::to_string(release.version)));
  return {};
}

Result<Release> HelmStorage::begin_revision(Release release, SystemTime now) {
  std::optional<Release> previous = TRY(latest(storage_namespace(release), release.name));
  release.version = previous ? previous->version + 1 : 1;
  release.info.status = previous ? ReleaseStatus::pending_upgrade : ReleaseStatus::pending_install;
  release.info.first_deployed =
      previous && previous->info.first_deployed ? previous->info.first_deployed : now;
  release.info.last_deployed = now;
  release.info.deleted.reset();
  release.info.description = previous ? "Preparing upgrade" : "Initial install underway";
  TRY(create(release, now));
  return release;
}

Result<void> HelmStorage::finish_revision(Release& release, ReleaseStatus status,
                                          std::string_view description, SystemTime now) {
  if (status == ReleaseStatus::deployed) {
    for (Release& older : TRY(history(storage_namespace(release), release.name))) {
      if (older.version >= release.version || older.info.status != ReleaseStatus::deployed)
        continue;
      older.info.status = ReleaseStatus::superseded;
      TRY(update(older, now));
    }
  }
  release.info.status = status;
  release.info.description = std::string(description);
  return update(release, now);
}

Result<bool> HelmStorage::uninstall(std::string_view ns, std::string_view name, KeepHistory keep,
                                    SystemTime now) {
  std::vector<Release> all = TRY(history(ns, name));
  if (all.empty()) return false;
  if (keep == KeepHistory::yes) {
    Release& newest = all.back();
    newest.info.status = ReleaseStatus::uninstalled;
    newest.info.deleted = now;
    newest.info.description = "Uninstallation complete";
    TRY(update(newest, now));
    return true;
  }
  kube::Resource resource = TRY(secrets());
  for (const Release& release : all)
    TRY(m_client.remove(resource, ns, helm::release_secret_name(name, release.version)));
  return true;
}

Result<std::vector<ObjectRef>> manifest_refs(kube::Client& client, const Release& release) {
  std::vector<ObjectRef> out;
  for (const Node& o : TRY(parse_yaml_stream(release.manifest, "release manifest"))) {
    if (!o.is_map()) continue;
    ObjectRef ref = ObjectRef::of(o);
    auto resource = client.resource_for_group_kind(ref.group, ref.kind);
    if (!resource) {
      if (resource.error().code() == 404) continue;
      return std::unexpected(resource.error());
    }
    if (!resource->namespaced) {
      ref.namespace_.clear();
    } else if (ref.namespace_.empty()) {
      ref.namespace_ = release.namespace_name;
    }
    out.push_back(std::move(ref));
  }
  return out;
}

}  // namespace plumb::controller

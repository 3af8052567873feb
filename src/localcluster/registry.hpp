// The resources the API server serves: the built-in table plus kinds added at run time by
// CustomResourceDefinitions. Lookups return shared immutable ResourceInfo values, so a CRD
// removed while a request runs does not pull the data from under it.
//
// Thread safety: all members may be called concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/node.hpp"
#include "core/thread_annotations.hpp"

namespace plumb::localcluster {

// A column `kubectl get` shows for a custom resource (additionalPrinterColumns).
struct PrinterColumn {
  std::string name;
  std::string type;       // string, integer, number, boolean, date
  std::string json_path;  // ".spec.replicas"
  int priority = 0;
};

struct ResourceInfo {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;
  std::string plural;
  std::string singular;
  std::vector<std::string> short_names;
  std::vector<std::string> verbs;
  std::vector<std::string> subresources;
  std::vector<std::string> categories;
  bool namespaced = true;
  std::string crd;        // the CustomResourceDefinition that serves it; "" for built-ins
  bool preferred = true;  // the group's preferred version
  std::vector<PrinterColumn> printer_columns;

  std::string group_version() const { return group.empty() ? version : group + "/" + version; }
  // Where objects live: one storage per group and plural, shared by the versions.
  std::string storage_key() const { return group + "/" + plural; }
  bool has_verb(std::string_view verb) const;
  bool has_subresource(std::string_view name) const;
};

using ResourcePtr = std::shared_ptr<const ResourceInfo>;

class Registry {
 public:
  Registry();  // the built-in resources

  ResourcePtr find(std::string_view group, std::string_view version, std::string_view plural) const
      EXCLUDES(m_mutex);
  ResourcePtr find_kind(std::string_view group, std::string_view version,
                        std::string_view kind) const EXCLUDES(m_mutex);
  // Any version of group/plural (for cascading deletes and garbage collection).
  ResourcePtr find_any_version(std::string_view group, std::string_view plural) const
      EXCLUDES(m_mutex);
  std::vector<ResourcePtr> all() const EXCLUDES(m_mutex);

  // Replaces every resource served by `crd` with `resources` (empty removes them).
  void set_custom(const std::string& crd, std::vector<ResourceInfo> resources) EXCLUDES(m_mutex);

  // Bumped on every change (a discovery ETag).
  uint64_t generation() const EXCLUDES(m_mutex);

 private:
  mutable SharedMutex m_mutex;
  std::vector<ResourcePtr> m_resources GUARDED_BY(m_mutex);
  uint64_t m_generation GUARDED_BY(m_mutex) = 1;
};

}  // namespace plumb::localcluster

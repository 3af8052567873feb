// `plumb diff`: what applying a plan would change, object by object, as unified diffs of the
// live object against the server's dry-run result, with server-managed noise removed and
// Secret values masked.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "kube/client.hpp"
#include "sync/plan.hpp"

namespace plumb::sync {

struct ObjectDiff {
  ObjectRef ref;
  enum class Kind { changed, created, pruned } kind = Kind::changed;
  std::string diff;  // unified diff text
};

// Diffs of every object that would change; `pruned` lists objects that would be deleted.
Result<std::vector<ObjectDiff>> diff_plan(kube::Client& client, const Plan& plan,
                                          const std::vector<PlannedObject>& pruned,
                                          std::string_view field_manager);

// The object as a diff shows it: without managedFields, resourceVersion, uid, generation,
// timestamps, status and the labels Plumb writes for itself (the controller's
// kustomize.toolkit.fluxcd.io/name|namespace, ApplySet part-of); Secret values replaced by
// "***" (with "(before)"/"(after)" where they differ from `other`).
Node diffable(const Node& object, const Node* other, std::string_view side);

// The unified diff of one object as `plumb diff` prints it, from `before` (the live object;
// null: it did not exist) to `after` (null: it is deleted), both made diffable; "" when
// nothing a diff shows differs.
std::string object_diff(const ObjectRef& ref, const Node* before, const Node* after);

}  // namespace plumb::sync

// spec.driftDetection.ignore for a HelmRelease: the fields its rules name are left as the
// cluster holds them, both when the deployed revision is applied again and when the
// controller's drift watch compares or restores an object, as helm-controller leaves them out
// of its drift diff. Each rule's JSON pointers (RFC 6901) apply to the objects its target
// (kustomize's Selector: group, version, kind, name, namespace regexes, label and annotation
// selectors) picks, or to every object.
//
//   DriftIgnore ignore = TRY(DriftIgnore::parse(spec.drift_ignore));
//   objects = TRY(ignore.keep_live(std::move(objects), lookup));  // before the apply
//   ignore.take_live(desired, live);                              // in the drift watch
//
// Thread safety: const members may be called from any thread (the lookup is the caller's).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "controller/helmrelease_types.hpp"
#include "core/error.hpp"
#include "core/node.hpp"
#include "render/plugin.hpp"

namespace plumb::controller {

// The live object of a desired one (nullopt when absent).
using LiveLookup = std::function<Result<std::optional<Node>>(const Node& desired)>;

class DriftIgnore {
 public:
  // An error names the rule whose target selector is invalid.
  static Result<DriftIgnore> parse(const std::vector<DriftIgnoreRule>& rules);

  bool empty() const { return m_rules.empty(); }
  // `objects` with each ignored field set to the live object's value, or removed where the
  // live object lacks it; objects not live yet are left whole (they are created as rendered).
  // Only objects some rule picks are looked up.
  Result<std::vector<Node>> keep_live(std::vector<Node> objects, const LiveLookup& live) const;
  // The same for one object whose live copy is at hand.
  void take_live(Node& desired, const Node& live) const;

 private:
  struct Rule {
    std::optional<render::Selector> target;
    std::vector<std::vector<std::string>> paths;  // RFC 6901 tokens
  };
  bool picks(const Rule& rule, const Node& object) const;

  std::vector<Rule> m_rules;
};

}  // namespace plumb::controller

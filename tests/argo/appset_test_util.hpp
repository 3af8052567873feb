// Test helpers shared by the ApplicationSet tests: an ApplicationSet read from YAML, the
// parameter sets of its first generator (through the private generator_params, as Argo's
// generator tests call GenerateParams), and expectations written as YAML.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "argo/appset.hpp"
#include "argo/appset_parts.hpp"
#include "argo/yaml_test_util.hpp"
#include "core/json.hpp"

namespace plumb::argo {

// An ApplicationSet named `set` in namespace argocd around `spec` (YAML of the spec's fields).
inline std::string appset_yaml(std::string_view spec) {
  std::string text =
      "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\n"
      "metadata:\n  name: set\n  namespace: argocd\nspec:\n";
  size_t start = 0;
  while (start < spec.size()) {
    size_t end = spec.find('\n', start);
    if (end == std::string_view::npos) end = spec.size();
    text += "  " + std::string(spec.substr(start, end - start)) + "\n";
    start = end + 1;
  }
  return text;
}

inline ApplicationSet read_appset(std::string_view spec) {
  auto parsed = parse_application_set(yaml(appset_yaml(spec)));
  EXPECT_TRUE(parsed) << parsed.error().message();
  return parsed ? *parsed : ApplicationSet{};
}

// The error reading `spec` gives ("" when it reads).
inline std::string read_error(std::string_view spec) {
  auto parsed = parse_application_set(yaml(appset_yaml(spec)));
  return parsed ? "" : parsed.error().message();
}

// The parameter sets of the first generator of spec.generators[0].
inline Result<std::vector<Node>> first_params(const ApplicationSet& set,
                                              const GenerateInput& input = {}) {
  appset::Templater templater(set.go_template, set.go_template_options);
  appset::Run run{set, input, templater, "ApplicationSet argocd/set", {}};
  const GeneratorEntry& entry = set.generators.at(0);
  return appset::generator_params(run, entry, entry.generators.at(0), nullptr);
}

// Parameter sets as a YAML list, for comparing with an expectation in YAML.
inline Node as_list(const std::vector<Node>& sets) {
  Node out = Node::list();
  for (const Node& s : sets)
    out.push_back(s);
  return out;
}

// The same sets in any order (Argo's tests use ElementsMatch where Go maps make the order
// random).
inline bool same_sets(std::vector<Node> got, const Node& want) {
  if (!want.is_list() || got.size() != want.size()) return false;
  for (const Node& w : want.items()) {
    auto it = std::find(got.begin(), got.end(), w);
    if (it == got.end()) return false;
    got.erase(it);
  }
  return true;
}

#define EXPECT_PARAMS(got, want_yaml)                                                  \
  do {                                                                                 \
    auto plumb_got_ = (got);                                                           \
    ASSERT_TRUE(plumb_got_) << plumb_got_.error().message();                           \
    EXPECT_EQ(as_list(*plumb_got_), yaml(want_yaml)) << to_json(as_list(*plumb_got_)); \
  } while (0)

#define EXPECT_PARAM_SET(got, want_yaml)                                                   \
  do {                                                                                     \
    auto plumb_got_ = (got);                                                               \
    ASSERT_TRUE(plumb_got_) << plumb_got_.error().message();                               \
    EXPECT_TRUE(same_sets(*plumb_got_, yaml(want_yaml))) << to_json(as_list(*plumb_got_)); \
  } while (0)

}  // namespace plumb::argo

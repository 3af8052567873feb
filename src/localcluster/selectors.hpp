// Label and field selectors as the list and watch verbs take them (`?labelSelector=` and
// `?fieldSelector=`), and the structured LabelSelector of workload specs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::localcluster {

struct Requirement {
  enum class Op { equals, not_equals, in, not_in, exists, not_exists };
  std::string key;
  Op op = Op::equals;
  std::vector<std::string> values;
};

// `a=b,c!=d,e in (x,y),f notin (z),g,!h`; empty selects everything.
class LabelSelector {
 public:
  static Result<LabelSelector> parse(std::string_view text);
  // `labels` is metadata.labels (a map, or null).
  bool matches(const Node& labels) const;
  bool empty() const { return m_requirements.empty(); }

 private:
  std::vector<Requirement> m_requirements;
};

// `metadata.name=x,status.phase!=Running`: dotted paths into the object, = == or !=.
class FieldSelector {
 public:
  static Result<FieldSelector> parse(std::string_view text);
  bool matches(const Node& object) const;
  bool empty() const { return m_requirements.empty(); }

 private:
  std::vector<Requirement> m_requirements;
};

// A LabelSelector object ({matchLabels, matchExpressions}); an empty or null one matches all.
bool selector_object_matches(const Node& selector, const Node& labels);

}  // namespace plumb::localcluster

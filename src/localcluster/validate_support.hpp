// The pieces Kubernetes' validation is made of, for the embedded API server's rule tables
// (validate_*.cpp): field errors worded as Kubernetes words them (`Required value`,
// `Invalid value: "x": ...`, `Unsupported value: ...: supported values: ...`), bad values
// printed as a Kubernetes 1.32 API server prints them (Go's %q, %v, %#v of its types), the
// name and format checks of apimachinery (DNS labels and subdomains, qualified names, label
// values, port names, config keys), and rules as data: a path pattern, a check, its values.
//
// Internal to the localcluster module. Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/node.hpp"
#include "localcluster/api_error.hpp"

namespace plumb::localcluster::validation {

// Field errors in the order they are found (Kubernetes reports them in its validation order).
class Errors {
 public:
  void required(std::string field, std::string_view detail = "");
  void invalid(std::string field, std::string_view bad_value, std::string_view detail);
  void not_supported(std::string field, std::string_view bad_value,
                     std::span<const std::string_view> supported);
  void duplicate(std::string field, std::string_view bad_value);
  void not_found(std::string field, std::string_view bad_value);
  void forbidden(std::string field, std::string_view detail);
  void too_long(std::string field, int64_t max_bytes);

  std::vector<StatusCause>& causes() { return m_causes; }
  bool empty() const { return m_causes.empty(); }

 private:
  std::vector<StatusCause> m_causes;
};

// --- bad values, as field errors print them ---
std::string quoted(std::string_view text);         // "x" (Go's %q)
std::string number(const Node& value);             // 42, 1.5
std::string string_map(const Node* map);           // map[string]string{"a":"b"}
std::string string_list(const Node* list);         // []string{"a", "b"}
std::string label_selector(const Node* selector);  // v1.LabelSelector{MatchLabels:...}
std::string scalar(const Node& value);             // quoted for strings, else number

// --- format checks: Kubernetes' messages, none when valid ---
using Messages = std::vector<std::string>;
Messages dns1123_label(std::string_view value);
Messages dns1123_subdomain(std::string_view value);
Messages dns1035_label(std::string_view value);
Messages qualified_name(std::string_view value);
Messages label_value(std::string_view value);
Messages port_name(std::string_view value);
Messages config_map_key(std::string_view value);
Messages path_segment_name(std::string_view value);
std::string inclusive_range(int64_t lo, int64_t hi);  // "must be between 1 and 65535, inclusive"
std::string max_length(size_t length);                // "must be no more than 63 characters"

// Every message of a check as one Invalid error each.
void invalid_each(Errors& errors, const std::string& field, std::string_view bad_value,
                  const Messages& messages);

// Labels (keys qualified names, values label values), annotations (keys, total size), label
// selectors (matchLabels, matchExpressions) as ObjectMeta and LabelSelector validation do.
void check_labels(const Node* labels, const std::string& field, Errors& errors);
void check_annotations(const Node* annotations, const std::string& field, Errors& errors);
void check_label_selector(const Node* selector, const std::string& field, Errors& errors);
// Whether `labels` satisfy a LabelSelector (matchLabels and matchExpressions); a null
// selector matches nothing, an empty one everything.
bool selector_matches(const Node* selector, const Node* labels);

// --- rules as data ---
struct Rule;
struct Scope {
  const Node& object;  // the whole object being validated
  const Node& before;  // the stored object on update; null on create
};
using CheckFn = void (*)(const Rule& rule, const Scope& scope, const Node* value,
                         const std::string& field, Errors& errors);

// `path` is relative to where the rule table is applied: "restartPolicy",
// "containers[*].ports[*].protocol" ([*]: every item of a list; a missing value is passed as
// null unless a [*] list is missing). `values` parameterize the check (supported values).
struct Rule {
  std::string_view path;
  CheckFn check;
  std::vector<std::string_view> values = {};
  int64_t low = 0;
  int64_t high = 0;
};

// Applies each rule, in order, at `base` (whose path is `base_path`, "" for the root).
void apply_rules(std::span<const Rule> rules, const Scope& scope, const Node* base,
                 const std::string& base_path, Errors& errors);

// Joins a field path: "spec" + "replicas" = "spec.replicas"; "" + "spec" = "spec".
std::string child(const std::string& path, std::string_view name);

// Generic checks for rule tables.
void one_of(const Rule& rule, const Scope&, const Node* value, const std::string& field,
            Errors& errors);  // a set string must be one of rule.values
void port_number(const Rule& rule, const Scope&, const Node* value, const std::string& field,
                 Errors& errors);  // 1-65535; 0 or missing is Required when rule.low == 1
void non_negative(const Rule& rule, const Scope&, const Node* value, const std::string& field,
                  Errors& errors);
void at_least(const Rule& rule, const Scope&, const Node* value, const std::string& field,
              Errors& errors);  // an integer >= rule.low: "must be greater than or equal to N"
void required(const Rule& rule, const Scope&, const Node* value, const std::string& field,
              Errors& errors);  // set and not empty; rule.values[0] is the detail, if any
void immutable(const Rule& rule, const Scope& scope, const Node* value, const std::string& field,
               Errors& errors);  // on update, equal to the stored value at the same path

}  // namespace plumb::localcluster::validation

#include "localcluster/validate_support.hpp"

#include <algorithm>
#include <cctype>

#include "localcluster/go_format.hpp"
#include "localcluster/objects.hpp"

namespace plumb::localcluster::validation {
namespace {

bool lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool is_label(std::string_view s) {
  if (s.empty() || !lower_alnum(s.front()) || !lower_alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return lower_alnum(c) || c == '-'; });
}

// label(\.label)*
bool is_subdomain(std::string_view s) {
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    if (!is_label(s.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool is_qualified_part(std::string_view s) {
  if (s.empty() || !alnum(s.front()) || !alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

// RegexError: the message, examples and the expression, as apimachinery words it.
std::string regex_error(std::string_view message, std::string_view expression,
                        std::initializer_list<std::string_view> examples) {
  std::string out(message);
  out += " (e.g. ";
  bool first = true;
  for (std::string_view example : examples) {
    if (!first) out += " or ";
    first = false;
    out += "'" + std::string(example) + "', ";
  }
  return out + "regex used for validation is '" + std::string(expression) + "')";
}

constexpr std::string_view k_label_fmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
constexpr std::string_view k_subdomain_fmt =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr std::string_view k_qualified_fmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr std::string_view k_qualified_msg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
    "an alphanumeric character";

bool empty_value(const Node* value) {
  if (value == nullptr || value->is_null()) return true;
  if (value->is_string()) return value->as_string().empty();
  if (value->is_container()) return value->empty();
  return false;
}

template <typename Fn>
void resolve(std::string_view pattern, const Node* node, const std::string& path, Fn&& fn) {
  if (pattern.empty()) {
    fn(node, path);
    return;
  }
  size_t dot = pattern.find('.');
  std::string_view segment = pattern.substr(0, dot);
  std::string_view rest = dot == std::string_view::npos ? "" : pattern.substr(dot + 1);
  const bool each = segment.ends_with("[*]");
  std::string_view name = each ? segment.substr(0, segment.size() - 3) : segment;
  const Node* next = node && node->is_map() ? node->find(name) : nullptr;
  std::string next_path = child(path, name);
  if (!each) {
    resolve(rest, next, next_path, fn);
    return;
  }
  if (next == nullptr || !next->is_list()) return;
  size_t index = 0;
  for (const Node& item : next->items())
    resolve(rest, &item, next_path + "[" + std::to_string(index++) + "]", fn);
}

}  // namespace

// --- Errors ---

void Errors::required(std::string field, std::string_view detail) {
  std::string message = "Required value";
  if (!detail.empty()) message += ": " + std::string(detail);
  m_causes.push_back({"FieldValueRequired", std::move(message), std::move(field)});
}

void Errors::invalid(std::string field, std::string_view bad_value, std::string_view detail) {
  std::string message = "Invalid value: " + std::string(bad_value);
  if (!detail.empty()) message += ": " + std::string(detail);
  m_causes.push_back({"FieldValueInvalid", std::move(message), std::move(field)});
}

void Errors::not_supported(std::string field, std::string_view bad_value,
                           std::span<const std::string_view> supported) {
  std::string message = "Unsupported value: " + std::string(bad_value);
  if (!supported.empty()) {
    message += ": supported values: ";
    for (size_t i = 0; i < supported.size(); ++i) {
      if (i > 0) message += ", ";
      message += quoted(supported[i]);
    }
  }
  m_causes.push_back({"FieldValueNotSupported", std::move(message), std::move(field)});
}

void Errors::duplicate(std::string field, std::string_view bad_value) {
  m_causes.push_back(
      {"FieldValueDuplicate", "Duplicate value: " + std::string(bad_value), std::move(field)});
}

void Errors::not_found(std::string field, std::string_view bad_value) {
  m_causes.push_back(
      {"FieldValueNotFound", "Not found: " + std::string(bad_value), std::move(field)});
}

void Errors::forbidden(std::string field, std::string_view detail) {
  std::string message = "Forbidden";
  if (!detail.empty()) message += ": " + std::string(detail);
  m_causes.push_back({"FieldValueForbidden", std::move(message), std::move(field)});
}

void Errors::too_long(std::string field, int64_t max_bytes) {
  m_causes.push_back({"FieldValueTooLong",
                      "Too long: may not be more than " + std::to_string(max_bytes) + " bytes",
                      std::move(field)});
}

// --- bad values ---

std::string quoted(std::string_view text) {
  return go_quote(text);
}

std::string number(const Node& value) {
  return value.is_float() ? go_float(value.as_float()) : go_value(value);
}

std::string scalar(const Node& value) {
  return value.is_string() ? quoted(value.as_string()) : number(value);
}

std::string string_map(const Node* map) {
  if (map == nullptr || !map->is_map()) return "map[string]string(nil)";
  std::vector<std::pair<std::string_view, std::string_view>> entries;
  for (const MapEntry& e : map->entries())
    entries.emplace_back(e.key.as_string(), e.value.as_string());
  std::sort(entries.begin(), entries.end());
  std::string out = "map[string]string{";
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += ", ";
    out += quoted(entries[i].first) + ":" + quoted(entries[i].second);
  }
  return out + "}";
}

std::string string_list(const Node* list) {
  if (list == nullptr || !list->is_list()) return "[]string(nil)";
  std::string out = "[]string{";
  bool first = true;
  for (const Node& item : list->items()) {
    if (!first) out += ", ";
    first = false;
    out += quoted(item.as_string());
  }
  return out + "}";
}

std::string label_selector(const Node* selector) {
  if (selector == nullptr || selector->is_null()) return quoted("null");
  std::string out = "v1.LabelSelector{MatchLabels:" + string_map(selector->find("matchLabels"));
  out += ", MatchExpressions:";
  const Node* expressions = selector->find("matchExpressions");
  if (expressions == nullptr || !expressions->is_list()) {
    out += "[]v1.LabelSelectorRequirement(nil)";
  } else {
    out += "[]v1.LabelSelectorRequirement{";
    bool first = true;
    for (const Node& e : expressions->items()) {
      if (!first) out += ", ";
      first = false;
      out += "v1.LabelSelectorRequirement{Key:" + quoted(e.string_at({"key"})) +
             ", Operator:" + quoted(e.string_at({"operator"})) +
             ", Values:" + string_list(e.find("values")) + "}";
    }
    out += "}";
  }
  return out + "}";
}

// --- format checks ---

std::string max_length(size_t length) {
  return "must be no more than " + std::to_string(length) + " characters";
}

std::string inclusive_range(int64_t lo, int64_t hi) {
  return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", inclusive";
}

Messages dns1123_label(std::string_view value) {
  Messages out;
  if (value.size() > 63) out.push_back(max_length(63));
  if (!is_label(value)) {
    if (is_subdomain(value)) {
      out.push_back("must not contain dots");
    } else {
      out.push_back(regex_error(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
          "'-', and must start and end with an alphanumeric character",
          k_label_fmt, {"my-name", "123-abc"}));
    }
  }
  return out;
}

Messages dns1123_subdomain(std::string_view value) {
  Messages out;
  if (value.size() > 253) out.push_back(max_length(253));
  if (!is_subdomain(value))
    out.push_back(regex_error(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
        "'-' or '.', and must start and end with an alphanumeric character",
        k_subdomain_fmt, {"example.com"}));
  return out;
}

Messages dns1035_label(std::string_view value) {
  Messages out;
  if (value.size() > 63) out.push_back(max_length(63));
  bool ok = !value.empty() && value.front() >= 'a' && value.front() <= 'z' && is_label(value);
  if (!ok)
    out.push_back(regex_error(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
        "with an alphabetic character, and end with an alphanumeric character",
        "[a-z]([-a-z0-9]*[a-z0-9])?", {"my-name", "abc-123"}));
  return out;
}

Messages qualified_name(std::string_view value) {
  Messages out;
  std::string_view name = value;
  size_t slash = value.find('/');
  if (slash != std::string_view::npos) {
    if (value.find('/', slash + 1) != std::string_view::npos) {
      out.push_back(
          "a qualified name " +
          regex_error(k_qualified_msg, k_qualified_fmt, {"MyName", "my.name", "123-abc"}) +
          " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
      return out;
    }
    std::string_view prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) {
      out.push_back("prefix part must be non-empty");
    } else {
      for (const std::string& m : dns1123_subdomain(prefix))
        out.push_back("prefix part " + m);
    }
  }
  if (name.empty()) {
    out.push_back("name part must be non-empty");
  } else if (name.size() > 63) {
    out.push_back("name part " + max_length(63));
  }
  if (!is_qualified_part(name))
    out.push_back("name part " +
                  regex_error(k_qualified_msg, k_qualified_fmt, {"MyName", "my.name", "123-abc"}));
  return out;
}

Messages label_value(std::string_view value) {
  Messages out;
  if (value.size() > 63) out.push_back(max_length(63));
  if (!value.empty() && !is_qualified_part(value))
    out.push_back(regex_error(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', "
        "'_' or '.', and must start and end with an alphanumeric character",
        "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?", {"MyValue", "my_value", "12345"}));
  return out;
}

Messages port_name(std::string_view value) {
  Messages out;
  if (value.size() > 15) out.push_back(max_length(15));
  bool charset = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!charset)
    out.push_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (std::none_of(value.begin(), value.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
    out.push_back("must contain at least one letter (a-z)");
  if (value.find("--") != std::string_view::npos)
    out.push_back("must not contain consecutive hyphens");
  if (!value.empty() && (value.front() == '-' || value.back() == '-'))
    out.push_back("must not begin or end with a hyphen");
  return out;
}

Messages config_map_key(std::string_view value) {
  Messages out;
  if (value.size() > 253) out.push_back(max_length(253));
  bool ok = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return alnum(c) || c == '-' || c == '_' || c == '.';
  });
  if (!ok)
    out.push_back(
        regex_error("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                    "[-._a-zA-Z0-9]+", {"key.name", "KEY_NAME", "key-name"}));
  if (value == ".") {
    out.push_back("must not be '.'");
  } else if (value == "..") {
    out.push_back("must not be '..'");
  } else if (value.starts_with("..")) {
    out.push_back("must not start with '..'");
  }
  return out;
}

Messages path_segment_name(std::string_view value) {
  if (value == "." || value == "..") return {"may not be '" + std::string(value) + "'"};
  Messages out;
  for (std::string_view bad : {"/", "%"})
    if (value.find(bad) != std::string_view::npos)
      out.push_back("may not contain '" + std::string(bad) + "'");
  return out;
}

void invalid_each(Errors& errors, const std::string& field, std::string_view bad_value,
                  const Messages& messages) {
  for (const std::string& m : messages)
    errors.invalid(field, bad_value, m);
}

// --- labels, annotations, selectors ---

void check_labels(const Node* labels, const std::string& field, Errors& errors) {
  if (labels == nullptr || !labels->is_map()) return;
  for (const MapEntry& e : labels->entries()) {
    std::string_view key = e.key.as_string();
    invalid_each(errors, field, quoted(key), qualified_name(key));
    std::string_view value = e.value.as_string();
    invalid_each(errors, field, quoted(value), label_value(value));
  }
}

void check_annotations(const Node* annotations, const std::string& field, Errors& errors) {
  if (annotations == nullptr || !annotations->is_map()) return;
  int64_t total = 0;
  for (const MapEntry& e : annotations->entries()) {
    std::string key(e.key.as_string());
    std::string lower = key;
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    invalid_each(errors, field, quoted(key), qualified_name(lower));
    total += static_cast<int64_t>(key.size() + e.value.as_string().size());
  }
  constexpr int64_t k_limit = 256 * 1024;
  if (total > k_limit) errors.too_long(field, k_limit);
}

void check_label_selector(const Node* selector, const std::string& field, Errors& errors) {
  if (selector == nullptr || !selector->is_map()) return;
  check_labels(selector->find("matchLabels"), child(field, "matchLabels"), errors);
  const Node* expressions = selector->find("matchExpressions");
  if (expressions == nullptr || !expressions->is_list()) return;
  size_t index = 0;
  for (const Node& e : expressions->items()) {
    std::string at = child(field, "matchExpressions") + "[" + std::to_string(index++) + "]";
    std::string_view op = e.string_at({"operator"});
    const Node* values = e.find("values");
    const bool has_values = values && values->is_list() && !values->empty();
    if (op == "In" || op == "NotIn") {
      if (!has_values)
        errors.required(child(at, "values"),
                        "must be specified when `operator` is 'In' or 'NotIn'");
    } else if (op == "Exists" || op == "DoesNotExist") {
      if (has_values)
        errors.forbidden(child(at, "values"),
                         "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    } else {
      errors.invalid(child(at, "operator"), quoted(op), "not a valid selector operator");
    }
    std::string_view key = e.string_at({"key"});
    invalid_each(errors, child(at, "key"), quoted(key), qualified_name(key));
    if (has_values) {
      size_t i = 0;
      for (const Node& v : values->items()) {
        std::string value_field = child(at, "values") + "[" + std::to_string(i++) + "]";
        invalid_each(errors, value_field, quoted(v.as_string()), label_value(v.as_string()));
      }
    }
  }
}

bool selector_matches(const Node* selector, const Node* labels) {
  if (selector == nullptr || !selector->is_map()) return false;
  auto label = [&](std::string_view key) -> const Node* {
    return labels && labels->is_map() ? labels->find(key) : nullptr;
  };
  if (const Node* match = selector->find("matchLabels"); match && match->is_map()) {
    for (const MapEntry& e : match->entries()) {
      const Node* v = label(e.key.as_string());
      if (v == nullptr || v->as_string() != e.value.as_string()) return false;
    }
  }
  if (const Node* expressions = selector->find("matchExpressions"); expressions) {
    for (const Node& e : expressions->items()) {
      const Node* v = label(e.string_at({"key"}));
      std::string_view op = e.string_at({"operator"});
      bool listed = false;
      if (const Node* values = e.find("values"); values && v) {
        for (const Node& candidate : values->items())
          listed = listed || candidate.as_string() == v->as_string();
      }
      if ((op == "In" && !listed) || (op == "NotIn" && listed) || (op == "Exists" && !v) ||
          (op == "DoesNotExist" && v))
        return false;
    }
  }
  return true;
}

// --- rules ---

std::string child(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}

void apply_rules(std::span<const Rule> rules, const Scope& scope, const Node* base,
                 const std::string& base_path, Errors& errors) {
  for (const Rule& rule : rules) {
    resolve(rule.path, base, base_path, [&](const Node* value, const std::string& field) {
      rule.check(rule, scope, value, field, errors);
    });
  }
}

void one_of(const Rule& rule, const Scope&, const Node* value, const std::string& field,
            Errors& errors) {
  if (value == nullptr || !value->is_string() || value->as_string().empty()) return;
  std::string_view text = value->as_string();
  if (std::find(rule.values.begin(), rule.values.end(), text) == rule.values.end())
    errors.not_supported(field, quoted(text), rule.values);
}

void port_number(const Rule& rule, const Scope&, const Node* value, const std::string& field,
                 Errors& errors) {
  int64_t port = value ? value->as_int() : 0;
  if (port == 0) {
    if (rule.low == 1) errors.required(field);
    return;
  }
  if (port < 1 || port > 65535) errors.invalid(field, number(*value), inclusive_range(1, 65535));
}

void non_negative(const Rule&, const Scope&, const Node* value, const std::string& field,
                  Errors& errors) {
  if (value && value->is_int() && value->as_int() < 0)
    errors.invalid(field, number(*value), "must be greater than or equal to 0");
}

void at_least(const Rule& rule, const Scope&, const Node* value, const std::string& field,
              Errors& errors) {
  if (value && value->is_int() && value->as_int() < rule.low)
    errors.invalid(field, number(*value),
                   "must be greater than or equal to " + std::to_string(rule.low));
}

void required(const Rule& rule, const Scope&, const Node* value, const std::string& field,
              Errors& errors) {
  if (empty_value(value)) errors.required(field, rule.values.empty() ? "" : rule.values[0]);
}

void immutable(const Rule&, const Scope& scope, const Node* value, const std::string& field,
               Errors& errors) {
  if (scope.before.is_null()) return;
  const Node* then = find_path(scope.before, field);
  bool same = (empty_value(value) && empty_value(then)) || (value && then && *value == *then);
  if (!same) errors.invalid(field, value ? scalar(*value) : quoted(""), "field is immutable");
}

}  // namespace plumb::localcluster::validation

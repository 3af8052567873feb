#include "localcluster/selectors.hpp"

#include <algorithm>

namespace plumb::localcluster {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  return text;
}

// Splits on commas outside parentheses.
std::vector<std::string_view> split_terms(std::string_view text) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == ',' && depth == 0)) {
      std::string_view term = trim(text.substr(start, i - start));
      if (!term.empty()) out.push_back(term);
      start = i + 1;
    } else if (text[i] == '(') {
      ++depth;
    } else if (text[i] == ')') {
      --depth;
    }
  }
  return out;
}

// "key op value" for = == !=; nothing when the term has none of them.
bool split_equality(std::string_view term, Requirement& out) {
  size_t pos = term.find("!=");
  if (pos != std::string_view::npos) {
    out.op = Requirement::Op::not_equals;
    out.key = std::string(trim(term.substr(0, pos)));
    out.values = {std::string(trim(term.substr(pos + 2)))};
    return true;
  }
  pos = term.find('=');
  if (pos == std::string_view::npos) return false;
  size_t value_start = (pos + 1 < term.size() && term[pos + 1] == '=') ? pos + 2 : pos + 1;
  out.op = Requirement::Op::equals;
  out.key = std::string(trim(term.substr(0, pos)));
  out.values = {std::string(trim(term.substr(value_start)))};
  return true;
}

Result<Requirement> parse_set_term(std::string_view term, std::string_view selector) {
  Requirement r;
  size_t open = term.find('(');
  size_t close = term.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return fail("label selector '", selector, "': cannot parse '", term, "'");
  std::string_view head = trim(term.substr(0, open));
  if (head.ends_with(" notin")) {
    r.op = Requirement::Op::not_in;
    r.key = std::string(trim(head.substr(0, head.size() - 6)));
  } else if (head.ends_with(" in")) {
    r.op = Requirement::Op::in;
    r.key = std::string(trim(head.substr(0, head.size() - 3)));
  } else {
    return fail("label selector '", selector, "': expected 'in' or 'notin' in '", term, "'");
  }
  std::string_view values = term.substr(open + 1, close - open - 1);
  while (true) {
    size_t comma = values.find(',');
    std::string_view value = trim(values.substr(0, comma));
    if (!value.empty()) r.values.emplace_back(value);
    if (comma == std::string_view::npos) break;
    values.remove_prefix(comma + 1);
  }
  return r;
}

bool requirement_matches(const Requirement& r, const Node* value) {
  bool present = value != nullptr && !value->is_null();
  std::string_view text = present ? value->as_string() : std::string_view();
  auto contains = [&](std::string_view v) {
    return std::find(r.values.begin(), r.values.end(), v) != r.values.end();
  };
  switch (r.op) {
    case Requirement::Op::equals:
      return present && text == r.values[0];
    case Requirement::Op::not_equals:
      return !present || text != r.values[0];
    case Requirement::Op::in:
      return present && contains(text);
    case Requirement::Op::not_in:
      return !present || !contains(text);
    case Requirement::Op::exists:
      return present;
    case Requirement::Op::not_exists:
      return !present;
  }
  return false;
}

// A field's value as the string a field selector compares with.
std::string field_text(const Node& object, std::string_view path, bool& present) {
  const Node* node = &object;
  while (!path.empty()) {
    size_t dot = path.find('.');
    node = node->find(path.substr(0, dot));
    if (node == nullptr) {
      present = false;
      return {};
    }
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  present = !node->is_null();
  if (node->is_string()) return std::string(node->as_string());
  if (node->is_bool()) return node->as_bool() ? "true" : "false";
  if (node->is_int()) return std::to_string(node->as_int());
  return {};
}

}  // namespace

Result<LabelSelector> LabelSelector::parse(std::string_view text) {
  LabelSelector selector;
  for (std::string_view term : split_terms(text)) {
    Requirement r;
    if (term.find('(') != std::string_view::npos) {
      r = TRY(parse_set_term(term, text));
    } else if (split_equality(term, r)) {
      // done
    } else if (term.front() == '!') {
      r.op = Requirement::Op::not_exists;
      r.key = std::string(trim(term.substr(1)));
    } else {
      r.op = Requirement::Op::exists;
      r.key = std::string(term);
    }
    if (r.key.empty() || r.key.find_first_of(" (),!=") != std::string::npos)
      return fail("label selector '", text, "': invalid key in '", term, "'");
    selector.m_requirements.push_back(std::move(r));
  }
  return selector;
}

bool LabelSelector::matches(const Node& labels) const {
  for (const Requirement& r : m_requirements) {
    if (!requirement_matches(r, labels.find(r.key))) return false;
  }
  return true;
}

Result<FieldSelector> FieldSelector::parse(std::string_view text) {
  FieldSelector selector;
  for (std::string_view term : split_terms(text)) {
    Requirement r;
    if (!split_equality(term, r) || r.key.empty())
      return fail("field selector '", text, "': '", term, "' is not field=value or field!=value");
    selector.m_requirements.push_back(std::move(r));
  }
  return selector;
}

bool FieldSelector::matches(const Node& object) const {
  for (const Requirement& r : m_requirements) {
    bool present = false;
    std::string value = field_text(object, r.key, present);
    // An absent field compares as "" (so `spec.nodeName=` selects unscheduled pods).
    bool equal = value == r.values[0];
    if (r.op == Requirement::Op::equals ? !equal : equal) return false;
  }
  return true;
}

bool selector_object_matches(const Node& selector, const Node& labels) {
  if (const Node* match = selector.find("matchLabels")) {
    for (const MapEntry& e : match->entries()) {
      const Node* value = labels.find(e.key.as_string());
      if (value == nullptr || value->as_string() != e.value.as_string()) return false;
    }
  }
  if (const Node* expressions = selector.find("matchExpressions")) {
    for (const Node& e : expressions->items()) {
      Requirement r;
      r.key = std::string(e.string_at({"key"}));
      std::string_view op = e.string_at({"operator"});
      if (op == "In")
        r.op = Requirement::Op::in;
      else if (op == "NotIn")
        r.op = Requirement::Op::not_in;
      else if (op == "Exists")
        r.op = Requirement::Op::exists;
      else
        r.op = Requirement::Op::not_exists;
      if (const Node* values = e.find("values")) {
        for (const Node& v : values->items())
          r.values.emplace_back(v.as_string());
      }
      if (!requirement_matches(r, labels.find(r.key))) return false;
    }
  }
  return true;
}

}  // namespace plumb::localcluster

// Patch target selection: kustomize's Selector. Name and namespace match the original or the
// current value; every string field is an anchored regular expression; label and annotation
// selectors use the Kubernetes selector syntax (k=v, k!=v, k in (a,b), k notin (a), k, !k).
#include <regex>

#include "render/kustomization.hpp"
#include "render/plugin.hpp"

namespace plumb::render {
namespace {

struct Requirement {
  enum class Op { equals, not_equals, in, not_in, exists, not_exists } op;
  std::string key;
  std::vector<std::string> values;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

Result<std::vector<Requirement>> parse_label_selector(std::string_view text) {
  std::vector<Requirement> out;
  // Split on commas outside parentheses.
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')') --depth;
    if (text[i] == ',' && depth == 0) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  for (std::string_view raw : parts) {
    std::string_view part = trim(raw);
    if (part.empty()) continue;
    Requirement req;
    auto values_of = [](std::string_view list) {
      std::vector<std::string> values;
      size_t open = list.find('(');
      size_t close = list.rfind(')');
      if (open == std::string_view::npos || close == std::string_view::npos) return values;
      std::string_view inner = list.substr(open + 1, close - open - 1);
      size_t s = 0;
      while (s <= inner.size()) {
        size_t comma = inner.find(',', s);
        if (comma == std::string_view::npos) comma = inner.size();
        values.emplace_back(trim(inner.substr(s, comma - s)));
        s = comma + 1;
      }
      return values;
    };
    if (part.front() == '!') {
      req.op = Requirement::Op::not_exists;
      req.key = std::string(trim(part.substr(1)));
    } else if (size_t ne = part.find("!="); ne != std::string_view::npos) {
      req.op = Requirement::Op::not_equals;
      req.key = std::string(trim(part.substr(0, ne)));
      req.values.emplace_back(trim(part.substr(ne + 2)));
    } else if (size_t eq = part.find('='); eq != std::string_view::npos) {
      req.op = Requirement::Op::equals;
      req.key = std::string(trim(part.substr(0, eq)));
      size_t skip = eq + 1 < part.size() && part[eq + 1] == '=' ? 2 : 1;
      req.values.emplace_back(trim(part.substr(eq + skip)));
    } else if (size_t notin = part.find(" notin "); notin != std::string_view::npos) {
      req.op = Requirement::Op::not_in;
      req.key = std::string(trim(part.substr(0, notin)));
      req.values = values_of(part.substr(notin));
    } else if (size_t in = part.find(" in "); in != std::string_view::npos) {
      req.op = Requirement::Op::in;
      req.key = std::string(trim(part.substr(0, in)));
      req.values = values_of(part.substr(in));
    } else {
      req.op = Requirement::Op::exists;
      req.key = std::string(part);
    }
    if (req.key.empty()) return fail("invalid selector '", text, "'");
    out.push_back(std::move(req));
  }
  return out;
}

bool requirements_match(const std::vector<Requirement>& reqs, const Node* map) {
  for (const Requirement& req : reqs) {
    const Node* value = map != nullptr ? map->find(req.key) : nullptr;
    std::string_view v = value != nullptr ? value->as_string() : std::string_view();
    bool has = value != nullptr;
    auto in_values = [&] {
      for (const std::string& want : req.values) {
        if (want == v) return true;
      }
      return false;
    };
    switch (req.op) {
      case Requirement::Op::equals:
        if (!has || !in_values()) return false;
        break;
      case Requirement::Op::not_equals:
        if (has && in_values()) return false;
        break;
      case Requirement::Op::in:
        if (!has || !in_values()) return false;
        break;
      case Requirement::Op::not_in:
        if (has && in_values()) return false;
        break;
      case Requirement::Op::exists:
        if (!has) return false;
        break;
      case Requirement::Op::not_exists:
        if (has) return false;
        break;
    }
  }
  return true;
}

struct Pattern {
  bool any = true;
  std::regex re;
  bool matches(std::string_view s) const { return any || std::regex_match(s.begin(), s.end(), re); }
};

Result<Pattern> pattern(const Node& target, std::string_view field) {
  Pattern p;
  const Node* value = find_field(target, field);
  if (value == nullptr || value->as_string().empty()) return p;
  try {
    p.re = std::regex(std::string(value->as_string()));
  } catch (const std::regex_error&) {
    return fail("target ", field, ": invalid regular expression '", value->as_string(), "'");
  }
  p.any = false;
  return p;
}

}  // namespace

struct Selector::Impl {
  Pattern group, version, kind, name, ns;
  std::vector<Requirement> labels, annotations;
};

Result<Selector> Selector::parse(const Node& target) {
  if (!target.is_map()) return fail("a patch target must be a map");
  auto impl = std::make_shared<Impl>();
  impl->group = TRY(pattern(target, "group"));
  impl->version = TRY(pattern(target, "version"));
  impl->kind = TRY(pattern(target, "kind"));
  impl->name = TRY(pattern(target, "name"));
  impl->ns = TRY(pattern(target, "namespace"));
  if (const Node* l = find_field(target, "labelSelector")) {
    impl->labels = TRY(parse_label_selector(l->as_string()));
  }
  if (const Node* a = find_field(target, "annotationSelector")) {
    impl->annotations = TRY(parse_label_selector(a->as_string()));
  }
  Selector s;
  s.m_impl = std::move(impl);
  return s;
}

bool Selector::matches(const Resource& r) const {
  const Impl& s = *m_impl;
  ResId cur = r.cur_id();
  ResId org = r.org_id();
  if (!s.ns.any && !s.ns.matches(org.effective_namespace()) &&
      !s.ns.matches(cur.effective_namespace())) {
    return false;
  }
  if (!s.name.any && !s.name.matches(org.name) && !s.name.matches(cur.name)) return false;
  if (!s.group.matches(cur.gvk.group) || !s.version.matches(cur.gvk.version) ||
      !s.kind.matches(cur.gvk.kind)) {
    return false;
  }
  if (!s.labels.empty() && !requirements_match(s.labels, r.obj.at_path({"metadata", "labels"}))) {
    return false;
  }
  if (!s.annotations.empty() &&
      !requirements_match(s.annotations, r.obj.at_path({"metadata", "annotations"}))) {
    return false;
  }
  return true;
}

std::vector<size_t> select(const ResourceSet& set, const Selector& selector) {
  std::vector<size_t> out;
  for (size_t i = 0; i < set.size(); ++i) {
    if (selector.matches(set[i])) out.push_back(i);
  }
  return out;
}

}  // namespace plumb::render

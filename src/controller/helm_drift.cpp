#include "controller/helm_drift.hpp"

#include "render/resource.hpp"

namespace plumb::controller {
namespace {

// RFC 6901 tokens of a pointer ("/a/b~1c" → a, b/c); "" is the whole document.
std::vector<std::string> pointer_tokens(std::string_view pointer) {
  std::vector<std::string> out;
  if (pointer.empty()) return out;
  pointer.remove_prefix(1);
  for (;;) {
    size_t slash = pointer.find('/');
    std::string_view raw = pointer.substr(0, slash);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += raw[i];
      }
    }
    out.push_back(std::move(token));
    if (slash == std::string_view::npos) break;
    pointer.remove_prefix(slash + 1);
  }
  return out;
}

std::optional<size_t> index_of(const std::string& token, size_t size) {
  if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  size_t i = std::stoul(token);
  return i < size ? std::optional<size_t>(i) : std::nullopt;
}

const Node* find_at(const Node& node, const std::vector<std::string>& tokens) {
  const Node* at = &node;
  for (const std::string& t : tokens) {
    if (at->is_map()) {
      at = at->find(t);
    } else if (at->is_list()) {
      auto i = index_of(t, at->size());
      at = i ? &at->items()[*i] : nullptr;
    } else {
      return nullptr;
    }
    if (!at) return nullptr;
  }
  return at;
}

// Sets (or, with value null, removes) the field at `tokens` where its parent exists.
void put_at(Node& node, const std::vector<std::string>& tokens, const Node* value) {
  if (tokens.empty()) return;
  Node* at = &node;
  for (size_t k = 0; k + 1 < tokens.size(); ++k) {
    const std::string& t = tokens[k];
    if (at->is_map()) {
      at = at->find_mut(t);
    } else if (at->is_list()) {
      auto i = index_of(t, at->size());
      at = i ? &at->items_mut()[*i] : nullptr;
    } else {
      at = nullptr;
    }
    if (!at) return;
  }
  const std::string& last = tokens.back();
  if (at->is_map()) {
    if (value) {
      at->set(last, *value);
    } else {
      at->erase(last);
    }
  } else if (at->is_list()) {
    if (auto i = index_of(last, at->size())) {
      if (value) {
        at->items_mut()[*i] = *value;
      } else {
        at->erase_at(*i);
      }
    }
  }
}

}  // namespace

Result<DriftIgnore> DriftIgnore::parse(const std::vector<DriftIgnoreRule>& rules) {
  DriftIgnore out;
  for (size_t i = 0; i < rules.size(); ++i) {
    Rule r;
    if (!rules[i].target.is_null()) {
      auto target = render::Selector::parse(rules[i].target);
      if (!target) {
        return std::unexpected(
            target.error().context("spec.driftDetection.ignore[" + std::to_string(i) + "].target"));
      }
      r.target = std::move(*target);
    }
    for (const std::string& p : rules[i].paths)
      r.paths.push_back(pointer_tokens(p));
    out.m_rules.push_back(std::move(r));
  }
  return out;
}

bool DriftIgnore::picks(const Rule& rule, const Node& object) const {
  return !rule.target || rule.target->matches(render::Resource(object));
}

void DriftIgnore::take_live(Node& desired, const Node& live) const {
  for (const Rule& rule : m_rules) {
    if (!picks(rule, desired)) continue;
    for (const auto& tokens : rule.paths)
      put_at(desired, tokens, find_at(live, tokens));
  }
}

Result<std::vector<Node>> DriftIgnore::keep_live(std::vector<Node> objects,
                                                 const LiveLookup& live) const {
  for (Node& object : objects) {
    bool picked = false;
    for (const Rule& rule : m_rules)
      picked = picked || picks(rule, object);
    if (!picked) continue;
    std::optional<Node> current = TRY(live(object));
    if (current) take_live(object, *current);  // not in the cluster: created as rendered
  }
  return objects;
}

}  // namespace plumb::controller

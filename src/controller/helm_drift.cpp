#include "controller/helm_drift.hpp"

#include "render/plugin.hpp"
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

Result<std::vector<Node>> keep_ignored_fields(std::vector<Node> objects,
                                              const std::vector<DriftIgnoreRule>& rules,
                                              const LiveLookup& live) {
  if (rules.empty()) return objects;
  struct Rule {
    std::optional<render::Selector> target;
    std::vector<std::vector<std::string>> paths;
  };
  std::vector<Rule> parsed;
  for (const DriftIgnoreRule& rule : rules) {
    Rule r;
    if (!rule.target.is_null()) r.target = TRY(render::Selector::parse(rule.target));
    for (const std::string& p : rule.paths)
      r.paths.push_back(pointer_tokens(p));
    parsed.push_back(std::move(r));
  }
  for (Node& object : objects) {
    std::optional<Node> current;
    bool looked = false;
    for (const Rule& rule : parsed) {
      if (rule.target && !rule.target->matches(render::Resource(object))) continue;
      if (!looked) {
        current = TRY(live(object));
        looked = true;
      }
      if (!current) break;  // not in the cluster: created as rendered
      for (const auto& tokens : rule.paths)
        put_at(object, tokens, find_at(*current, tokens));
    }
  }
  return objects;
}

}  // namespace plumb::controller

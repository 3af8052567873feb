// JSON patch (RFC 6902) with JSON pointers (RFC 6901), and JSON merge patch (RFC 7386).
#include <string>
#include <vector>

#include "merge/merge.hpp"

namespace plumb {

namespace {

// A JSON pointer split into unescaped tokens ("/a~1b/~0c" -> ["a/b", "~c"]).
Result<std::vector<std::string>> parse_pointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  if (pointer[0] != '/') return fail("path \"", pointer, "\" must start with '/'");
  size_t start = 1;
  while (true) {
    size_t slash = pointer.find('/', start);
    std::string_view raw = pointer.substr(start, slash - start);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '~') {
        token.push_back(raw[i]);
        continue;
      }
      if (i + 1 < raw.size() && raw[i + 1] == '0') {
        token.push_back('~');
      } else if (i + 1 < raw.size() && raw[i + 1] == '1') {
        token.push_back('/');
      } else {
        return fail("path \"", pointer, "\": '~' must be followed by 0 or 1");
      }
      ++i;
    }
    tokens.push_back(std::move(token));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return tokens;
}

// A list index: digits without a leading zero, below `limit` (inclusive when `allow_end`).
Result<size_t> parse_index(std::string_view token, size_t size, bool allow_end) {
  if (allow_end && token == "-") return size;
  bool digits = !token.empty() && token.size() <= 18 &&
                token.find_first_not_of("0123456789") == std::string_view::npos &&
                (token.size() == 1 || token[0] != '0');
  if (!digits) return fail("\"", token, "\" is not a list index");
  size_t index = std::stoull(std::string(token));
  if (index > size || (!allow_end && index == size))
    return fail("index ", token, " is out of range (the list has ", std::to_string(size),
                " items)");
  return index;
}

Result<const Node*> find(const Node& doc, const std::vector<std::string>& tokens) {
  const Node* at = &doc;
  for (const std::string& token : tokens) {
    if (at->is_map()) {
      at = at->find(token);
      if (!at) return fail("path not found");
    } else if (at->is_list()) {
      size_t index = TRY(parse_index(token, at->size(), false));
      at = &at->items()[index];
    } else {
      return fail("path not found");
    }
  }
  return at;
}

// The container holding the last token (writable, unshared along the way).
Result<Node*> parent_of(Node& doc, const std::vector<std::string>& tokens) {
  Node* at = &doc;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    if (at->is_map()) {
      at = at->find_mut(token);
      if (!at) return fail("path not found");
    } else if (at->is_list()) {
      size_t index = TRY(parse_index(token, at->size(), false));
      at = &at->items_mut()[index];
    } else {
      return fail("path not found");
    }
  }
  if (!at->is_container()) return fail("path not found");
  return at;
}

Result<void> add(Node& doc, const std::vector<std::string>& tokens, Node value) {
  if (tokens.empty()) {
    doc = std::move(value);
    return {};
  }
  Node* parent = TRY(parent_of(doc, tokens));
  const std::string& last = tokens.back();
  if (parent->is_map()) {
    parent->set(last, std::move(value));
  } else {
    size_t index = TRY(parse_index(last, parent->size(), true));
    parent->insert_at(index, std::move(value));
  }
  return {};
}

Result<Node> remove(Node& doc, const std::vector<std::string>& tokens) {
  if (tokens.empty()) {
    Node old = std::move(doc);
    doc = Node();
    return old;
  }
  Node* parent = TRY(parent_of(doc, tokens));
  const std::string& last = tokens.back();
  if (parent->is_map()) {
    const Node* found = parent->find(last);
    if (!found) return fail("path not found");
    Node old = *found;
    parent->erase(last);
    return old;
  }
  size_t index = TRY(parse_index(last, parent->size(), false));
  Node old = parent->items()[index];
  parent->erase_at(index);
  return old;
}

Result<void> replace(Node& doc, const std::vector<std::string>& tokens, Node value) {
  if (tokens.empty()) {
    doc = std::move(value);
    return {};
  }
  Node* parent = TRY(parent_of(doc, tokens));
  const std::string& last = tokens.back();
  if (parent->is_map()) {
    Node* found = parent->find_mut(last);
    if (!found) return fail("path not found");
    *found = std::move(value);
    return {};
  }
  size_t index = TRY(parse_index(last, parent->size(), false));
  parent->items_mut()[index] = std::move(value);
  return {};
}

bool is_proper_prefix(const std::vector<std::string>& prefix,
                      const std::vector<std::string>& tokens) {
  if (prefix.size() >= tokens.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (prefix[i] != tokens[i]) return false;
  return true;
}

Result<void> apply_operation(Node& doc, const Node& op) {
  if (!op.is_map()) return fail("an operation must be a map");
  std::string_view name = op.string_at({"op"});
  const Node* path_node = op.find("path");
  if (!path_node || !path_node->is_string()) return fail("missing \"path\"");
  auto tokens = TRY(parse_pointer(path_node->as_string()));
  auto value = [&]() -> Result<Node> {
    const Node* v = op.find("value");
    if (!v) return fail("missing \"value\"");
    return *v;
  };
  auto from = [&]() -> Result<std::vector<std::string>> {
    const Node* f = op.find("from");
    if (!f || !f->is_string()) return fail("missing \"from\"");
    return parse_pointer(f->as_string());
  };
  if (name == "add") return add(doc, tokens, TRY(value()));
  if (name == "remove") {
    TRY(remove(doc, tokens));
    return {};
  }
  if (name == "replace") return replace(doc, tokens, TRY(value()));
  if (name == "move") {
    auto source = TRY(from());
    if (is_proper_prefix(source, tokens)) return fail("cannot move a value into itself");
    if (source == tokens) {
      TRY(find(doc, source));
      return {};
    }
    Node moved = TRY(remove(doc, source));
    return add(doc, tokens, std::move(moved));
  }
  if (name == "copy") {
    auto source = TRY(from());
    Node copied = *TRY(find(doc, source));
    return add(doc, tokens, std::move(copied));
  }
  if (name == "test") {
    Node expected = TRY(value());
    const Node* actual = TRY(find(doc, tokens));
    if (!(*actual == expected)) return fail("test failed: the value differs");
    return {};
  }
  if (name.empty()) return fail("missing \"op\"");
  return fail("unknown op \"", name, "\"");
}

}  // namespace

Result<Node> json_patch(const Node& original, const Node& patch) {
  if (!patch.is_list()) return fail("json patch: expected a list of operations");
  Node doc = original;
  size_t index = 0;
  for (const Node& op : patch.items()) {
    auto applied = apply_operation(doc, op);
    if (!applied) {
      std::string what = "json patch: operation " + std::to_string(index);
      if (op.is_map())
        what += " (" + std::string(op.string_at({"op"})) + " " +
                std::string(op.string_at({"path"})) + ")";
      return std::unexpected(applied.error().context(what));
    }
    ++index;
  }
  return doc;
}

Node merge_patch(const Node& original, const Node& patch) {
  if (!patch.is_map()) return patch;
  Node out = original.is_map() ? original : Node::map();
  for (const MapEntry& e : patch.entries()) {
    std::string_view key = e.key.as_string();
    if (e.value.is_null()) {
      out.erase(key);
      continue;
    }
    const Node* existing = out.find(key);
    Node merged = merge_patch(existing ? *existing : Node(), e.value);
    out.set(key, std::move(merged));
  }
  return out;
}

Node create_merge_patch(const Node& original, const Node& modified) {
  if (!original.is_map() || !modified.is_map()) return modified;
  Node patch = Node::map();
  for (const MapEntry& e : modified.entries()) {
    std::string_view key = e.key.as_string();
    const Node* before = original.find(key);
    if (!before) {
      patch.set(key, e.value);
    } else if (before->is_map() && e.value.is_map()) {
      Node inner = create_merge_patch(*before, e.value);
      if (!inner.empty()) patch.set(key, std::move(inner));
    } else if (!(*before == e.value)) {
      patch.set(key, e.value);
    }
  }
  for (const MapEntry& e : original.entries()) {
    if (!modified.find(e.key.as_string())) patch.set(e.key.as_string(), Node());
  }
  return patch;
}

}  // namespace plumb

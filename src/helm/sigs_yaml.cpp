#include "helm/sigs_yaml.hpp"

#include <yaml.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "core/json.hpp"

namespace plumb::helm {
namespace {

constexpr int k_max_depth = 1000;

// One node of the first document as go-yaml's parser builds it.
struct RawNode {
  enum class Kind { scalar, sequence, mapping, alias } kind = Kind::scalar;
  std::string tag;        // short form: "!!str", "!foo", "" when none
  std::string value;      // scalar text, or the anchor name of an alias
  bool implicit = false;  // a plain scalar without a tag
  std::vector<RawNode*> children;
  RawNode* alias = nullptr;
};

std::string short_tag(const char* tag) {
  if (tag == nullptr) return "";
  std::string_view t(tag);
  constexpr std::string_view k_prefix = "tag:yaml.org,2002:";
  if (t.starts_with(k_prefix)) return "!!" + std::string(t.substr(k_prefix.size()));
  return std::string(t);
}

// go-yaml v2's parser.fail(): scanner errors count lines from 1, parser errors report the
// 0-based line of the token after the problem (which is the line of the problem + 1 when the
// problem ends a line).
Error parse_error(const yaml_parser_t& parser) {
  size_t line = 0;
  if (parser.problem_mark.line != 0) {
    line = parser.problem_mark.line;
    if (parser.error == YAML_SCANNER_ERROR) ++line;
  } else if (parser.context_mark.line != 0) {
    line = parser.context_mark.line;
  }
  std::string message = "error converting YAML to JSON: yaml: ";
  if (line != 0) message += "line " + std::to_string(line) + ": ";
  message += parser.problem != nullptr ? parser.problem : "unknown problem parsing YAML content";
  return Error(std::move(message));
}

class Parser {
 public:
  explicit Parser(std::string_view text) {
    yaml_parser_initialize(&m_parser);
    yaml_parser_set_input_string(&m_parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~Parser() {
    if (m_has_event) yaml_event_delete(&m_event);
    yaml_parser_delete(&m_parser);
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // The first document's root, nullptr when the stream has none.
  Result<RawNode*> parse() {
    TRY_VOID(next());  // stream start
    if (m_event.type == YAML_STREAM_START_EVENT) TRY_VOID(next());
    if (m_event.type != YAML_DOCUMENT_START_EVENT) return nullptr;
    TRY_VOID(next());
    return node(0);
  }

 private:
  Result<void> next() {
    if (m_has_event) yaml_event_delete(&m_event);
    m_has_event = false;
    if (!yaml_parser_parse(&m_parser, &m_event)) return std::unexpected(parse_error(m_parser));
    m_has_event = true;
    return {};
  }

  void anchor(const unsigned char* name, RawNode* n) {
    if (name != nullptr) m_anchors[reinterpret_cast<const char*>(name)] = n;
  }

  // Reads the node starting at the current event; leaves the event after it current.
  Result<RawNode*> node(int depth) {
    if (depth > k_max_depth)
      return fail("error converting YAML to JSON: yaml: exceeded max depth of 1000");
    RawNode& n = m_nodes.emplace_back();
    switch (m_event.type) {
      case YAML_SCALAR_EVENT: {
        const auto& s = m_event.data.scalar;
        n.kind = RawNode::Kind::scalar;
        n.value.assign(reinterpret_cast<const char*>(s.value), s.length);
        n.tag = short_tag(reinterpret_cast<const char*>(s.tag));
        n.implicit = s.plain_implicit != 0;
        anchor(s.anchor, &n);
        TRY_VOID(next());
        return &n;
      }
      case YAML_ALIAS_EVENT: {
        std::string name(reinterpret_cast<const char*>(m_event.data.alias.anchor));
        auto it = m_anchors.find(name);
        if (it == m_anchors.end())
          return fail("error converting YAML to JSON: yaml: unknown anchor '", name,
                      "' referenced");
        n.kind = RawNode::Kind::alias;
        n.value = name;
        n.alias = it->second;
        TRY_VOID(next());
        return &n;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        bool is_map = m_event.type == YAML_MAPPING_START_EVENT;
        n.kind = is_map ? RawNode::Kind::mapping : RawNode::Kind::sequence;
        const unsigned char* tag =
            is_map ? m_event.data.mapping_start.tag : m_event.data.sequence_start.tag;
        n.tag = short_tag(reinterpret_cast<const char*>(tag));
        anchor(is_map ? m_event.data.mapping_start.anchor : m_event.data.sequence_start.anchor, &n);
        TRY_VOID(next());
        auto end = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
        // The children gather on a stack shared by all levels, then move to the node in one
        // allocation (pushing onto each node's own vector regrew it for every few entries).
        size_t mark = m_children.size();
        while (m_event.type != end) {
          RawNode* child = TRY(node(depth + 1));
          m_children.push_back(child);
        }
        n.children.assign(m_children.begin() + static_cast<std::ptrdiff_t>(mark), m_children.end());
        m_children.resize(mark);
        TRY_VOID(next());
        return &n;
      }
      default:
        return fail("error converting YAML to JSON: yaml: unexpected event");
    }
  }

  yaml_parser_t m_parser;
  yaml_event_t m_event{};
  bool m_has_event = false;
  std::deque<RawNode> m_nodes;
  std::vector<RawNode*> m_children;  // of the collections being read, innermost last
  std::unordered_map<std::string, RawNode*> m_anchors;
};

// --- scalar resolution (go-yaml v2 resolve.go) ---

enum class Resolved { null, boolean, integer, uinteger, floating, string, timestamp, merge };

struct Scalar {
  Resolved kind = Resolved::string;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
};

std::optional<Scalar> lookup_map(std::string_view in) {
  static const std::map<std::string_view, Scalar, std::less<>> table = [] {
    std::map<std::string_view, Scalar, std::less<>> t;
    for (auto s : {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
      t[s] = Scalar{.kind = Resolved::boolean, .b = true};
    for (auto s : {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
      t[s] = Scalar{.kind = Resolved::boolean, .b = false};
    for (auto s : {"", "~", "null", "Null", "NULL"})
      t[s] = Scalar{.kind = Resolved::null};
    for (auto s : {".nan", ".NaN", ".NAN"})
      t[s] = Scalar{.kind = Resolved::floating, .f = std::nan("")};
    for (auto s : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})
      t[s] = Scalar{.kind = Resolved::floating, .f = HUGE_VAL};
    for (auto s : {"-.inf", "-.Inf", "-.INF"})
      t[s] = Scalar{.kind = Resolved::floating, .f = -HUGE_VAL};
    t["<<"] = Scalar{.kind = Resolved::merge};
    return t;
  }();
  auto it = table.find(in);
  if (it == table.end()) return std::nullopt;
  return it->second;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Go's strconv.ParseUint(s, 0, 64) without sign and without underscores.
std::optional<uint64_t> parse_uint_base0(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x')
      base = 16, s.remove_prefix(2);
    else if (p == 'o')
      base = 8, s.remove_prefix(2);
    else if (p == 'b')
      base = 2, s.remove_prefix(2);
    else
      base = 8, s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Go's strconv.ParseInt(s, 0, 64).
std::optional<int64_t> parse_int_base0(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  auto u = parse_uint_base0(s);
  if (!u) return std::nullopt;
  if (negative) {
    if (*u > uint64_t(INT64_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - *u);
  }
  if (*u > uint64_t(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(*u);
}

// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool yaml_style_float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < s.size() && is_digit(s[i]))
      ++i;
    if (i == start) return false;
  } else {
    size_t start = i;
    while (i < s.size() && is_digit(s[i]))
      ++i;
    if (i == start) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && is_digit(s[i]))
        ++i;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t start = i;
    while (i < s.size() && is_digit(s[i]))
      ++i;
    if (i == start) return false;
  }
  return i == s.size();
}

std::optional<double> parse_float(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (end != s.data() + s.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) return std::copysign(HUGE_VAL, s[0] == '-' ? -1 : 1);
  if (ec != std::errc()) return std::nullopt;
  return v;
}

// go-yaml v2's parseTimestamp: only the layouts it lists, starting with a 4-digit year.
bool looks_like_timestamp(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_digit(s[i]))
    ++i;
  if (i != 4 || i == s.size() || s[i] != '-') return false;
  // yyyy-m-d, optionally followed by [Tt ]h:m:s[.frac][Z|±hh:mm]
  auto number = [&](size_t max) {
    size_t start = i;
    while (i < s.size() && is_digit(s[i]) && i - start < max)
      ++i;
    return i > start;
  };
  ++i;
  if (!number(2) || i >= s.size() || s[i] != '-') return false;
  ++i;
  if (!number(2)) return false;
  if (i == s.size()) return true;
  if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return false;
  ++i;
  if (!number(2) || i >= s.size() || s[i] != ':') return false;
  ++i;
  if (!number(2) || i >= s.size() || s[i] != ':') return false;
  ++i;
  if (!number(2)) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!number(9)) return false;
  }
  if (i == s.size()) return true;
  if (s[i] == 'Z') return i + 1 == s.size();
  if (s[i] != '+' && s[i] != '-') return false;
  ++i;
  if (!number(2) || i >= s.size() || s[i] != ':') return false;
  ++i;
  return number(2) && i == s.size();
}

Scalar resolve_plain(std::string_view in) {
  char hint = 'N';
  if (!in.empty()) {
    char c = in[0];
    if (c == '+' || c == '-')
      hint = 'S';
    else if (is_digit(c))
      hint = 'D';
    else if (std::strchr("yYnNtTfFoO~", c) != nullptr)
      hint = 'M';
    else if (c == '.')
      hint = '.';
    else
      hint = 0;
  }
  if (hint == 0) return Scalar{};
  if (auto item = lookup_map(in)) return *item;
  if (hint == '.') {
    if (auto f = parse_float(in)) return Scalar{.kind = Resolved::floating, .f = *f};
  } else if (hint == 'D' || hint == 'S') {
    if (looks_like_timestamp(in)) return Scalar{.kind = Resolved::timestamp};
    std::string plain;
    for (char c : in)
      if (c != '_') plain.push_back(c);
    if (auto i = parse_int_base0(plain)) return Scalar{.kind = Resolved::integer, .i = *i};
    if (plain[0] != '-' && plain[0] != '+') {
      if (auto u = parse_uint_base0(plain)) return Scalar{.kind = Resolved::uinteger, .u = *u};
    } else if (plain[0] == '+') {
      if (auto u = parse_uint_base0(std::string_view(plain).substr(1)))
        return Scalar{.kind = Resolved::uinteger, .u = *u};
    }
    if (yaml_style_float(plain))
      if (auto f = parse_float(plain)) return Scalar{.kind = Resolved::floating, .f = *f};
  }
  return Scalar{};
}

// --- decoding (go-yaml v2 decode.go into interface{}, then sigs.k8s.io/yaml's conversion) ---

constexpr int64_t k_alias_low = 400000;
constexpr int64_t k_alias_high = 4000000;

double allowed_alias_ratio(int64_t count) {
  if (count <= k_alias_low) return 0.99;
  if (count >= k_alias_high) return 0.10;
  return 0.99 - 0.89 * (double(count - k_alias_low) / double(k_alias_high - k_alias_low));
}

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out + "\"";
}

// %+#v of a decoded value, for the "unsupported map key" message.
std::string go_value(const Node& v) {
  switch (v.type()) {
    case Node::Type::null:
      return "<nil>";
    case Node::Type::boolean:
      return v.as_bool() ? "true" : "false";
    case Node::Type::integer:
      return std::to_string(v.as_int());
    case Node::Type::floating:
      return format_float_g(v.as_float());
    case Node::Type::string:
      return go_quote(v.as_string());
    case Node::Type::list:
      return "[]interface {}{...}";
    case Node::Type::map:
      return "map[interface {}]interface {}{...}";
  }
  return "";
}

class Decoder {
 public:
  explicit Decoder(YamlNumbers numbers) : m_numbers(numbers) {}

  Result<Node> decode(const RawNode* n) {
    ++m_decode_count;
    if (m_alias_depth > 0) ++m_alias_count;
    switch (n->kind) {
      case RawNode::Kind::scalar:
        return scalar(n);
      case RawNode::Kind::alias:
        return alias(n);
      case RawNode::Kind::sequence: {
        Node list = Node::list(n->children.size());
        for (const RawNode* c : n->children)
          list.push_back(TRY(decode(c)));
        return list;
      }
      case RawNode::Kind::mapping: {
        Node map = Node::map(n->children.size() / 2);
        TRY_VOID(mapping(n, map));
        return map;
      }
    }
    return Node();
  }

  // The first +Inf/-Inf/NaN met: JSON refuses it after the whole tree converted.
  const std::optional<std::string>& unsupported() const { return m_unsupported; }

 private:
  Result<Node> scalar(const RawNode* n) {
    Scalar s;
    if (n->tag.empty() && !n->implicit) {
      s.kind = Resolved::string;
    } else if (n->tag.empty()) {
      s = resolve_plain(n->value);
    } else {
      s = TRY(resolve_tagged(n->tag, n->value));
    }
    switch (s.kind) {
      case Resolved::null:
        return Node();
      case Resolved::boolean:
        return Node::boolean(s.b);
      case Resolved::integer:
        return m_numbers == YamlNumbers::json ? Node::floating(double(s.i)) : Node::integer(s.i);
      case Resolved::uinteger:
        return Node::floating(double(s.u));
      case Resolved::floating:
        if (!std::isfinite(s.f) && !m_unsupported)
          m_unsupported = std::isnan(s.f) ? "NaN" : (s.f > 0 ? "+Inf" : "-Inf");
        return Node::floating(s.f);
      case Resolved::merge:
      case Resolved::string:
      case Resolved::timestamp:
        break;
    }
    if (n->tag == "!!binary") return Node::string(TRY(decode_base64(n->value)));
    return Node::string(n->value);
  }

  static Result<std::string> decode_base64(std::string_view in) {
    static constexpr std::string_view k_alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    size_t count = 0;
    for (char c : in) {
      if (c == '\n' || c == '\r' || c == ' ') continue;  // go-yaml strips line breaks first
      if (c == '=') break;
      auto pos = k_alphabet.find(c);
      if (pos == std::string_view::npos)
        return fail(
            "error converting YAML to JSON: yaml: !!binary value contains invalid "
            "base64 data");
      acc = (acc << 6) | uint32_t(pos);
      bits += 6;
      ++count;
      if (bits >= 8) {
        bits -= 8;
        out.push_back(char((acc >> bits) & 0xff));
      }
    }
    (void)count;
    return out;
  }

  Result<Scalar> resolve_tagged(const std::string& tag, const std::string& value) {
    static const std::vector<std::string_view> resolvable = {"!!str",   "!!bool",      "!!int",
                                                             "!!float", "!!timestamp", "!!null"};
    bool known = false;
    for (auto t : resolvable)
      known = known || t == tag;
    if (!known || tag == "!!str") return Scalar{};
    Scalar s = resolve_plain(value);
    auto name = [](const Scalar& x) -> std::string_view {
      switch (x.kind) {
        case Resolved::null:
          return "!!null";
        case Resolved::boolean:
          return "!!bool";
        case Resolved::integer:
        case Resolved::uinteger:
          return "!!int";
        case Resolved::floating:
          return "!!float";
        case Resolved::timestamp:
          return "!!timestamp";
        case Resolved::merge:
          return "!!merge";
        case Resolved::string:
          return "!!str";
      }
      return "!!str";
    };
    if (name(s) == tag) return s;
    if (tag == "!!float" && s.kind == Resolved::integer)
      return Scalar{.kind = Resolved::floating, .f = double(s.i)};
    return fail("error converting YAML to JSON: yaml: cannot decode ", name(s), " `", value,
                "` as a ", tag);
  }

  Result<Node> alias(const RawNode* n) {
    for (const RawNode* a : m_alias_stack)
      if (a == n->alias)
        return fail("error converting YAML to JSON: yaml: anchor '", n->value,
                    "' value contains itself");
    auto cached = m_cache.find(n->alias);
    if (cached != m_cache.end()) {
      // The expansion counts as go-yaml counts it: every node of the target decoded again.
      m_decode_count += cached->second.second;
      m_alias_count += cached->second.second;
      TRY_VOID(check_aliasing());
      return cached->second.first;
    }
    m_alias_stack.push_back(n->alias);
    ++m_alias_depth;
    int64_t before = m_decode_count;
    auto value = decode(n->alias);
    --m_alias_depth;
    m_alias_stack.pop_back();
    if (!value) return value;
    m_cache.emplace(n->alias, std::make_pair(*value, m_decode_count - before));
    TRY_VOID(check_aliasing());
    return value;
  }

  Result<void> check_aliasing() const {
    if (m_alias_count > 100 && m_decode_count > 1000 &&
        double(m_alias_count) / double(m_decode_count) > allowed_alias_ratio(m_decode_count))
      return fail("error converting YAML to JSON: yaml: document contains excessive aliasing");
    return {};
  }

  static bool is_merge_key(const RawNode* k) {
    return k->kind == RawNode::Kind::scalar && k->value == "<<" &&
           (k->implicit || k->tag == "!!merge");
  }

  Result<void> mapping(const RawNode* n, Node& out) {
    for (size_t i = 0; i + 1 < n->children.size(); i += 2) {
      const RawNode* key = n->children[i];
      const RawNode* value = n->children[i + 1];
      if (is_merge_key(key)) {
        TRY_VOID(merge(value, out));
        continue;
      }
      Node k = TRY(decode_key(key));
      Node v = TRY(decode(value));
      if (!k.is_string()) k = Node::string(TRY(key_string(k, v)));
      // What set() does, keeping the decoded key rather than copying it.
      if (Node* existing = out.find_mut(k.as_string()))
        *existing = std::move(v);
      else
        out.append_entry(std::move(k), std::move(v));
    }
    return {};
  }

  // Keys keep go-yaml's types (an integer key prints as an integer, a float key as a float).
  Result<Node> decode_key(const RawNode* key) {
    YamlNumbers saved = m_numbers;
    m_numbers = YamlNumbers::typed;
    auto k = decode(key);
    m_numbers = saved;
    return k;
  }

  Result<void> merge_one(const RawNode* n, Node& out) {
    const RawNode* target = n->kind == RawNode::Kind::alias ? n->alias : n;
    if (target->kind != RawNode::Kind::mapping)
      return fail(
          "error converting YAML to JSON: yaml: map merge requires map or sequence of "
          "maps as the value");
    Node merged = TRY(decode(n));
    for (const auto& e : merged.entries())
      out.set(e.key.as_string(), e.value);
    return {};
  }

  Result<void> merge(const RawNode* n, Node& out) {
    if (n->kind == RawNode::Kind::sequence) {
      for (size_t i = n->children.size(); i-- > 0;)
        TRY_VOID(merge_one(n->children[i], out));
      return {};
    }
    return merge_one(n, out);
  }

  // sigs.k8s.io/yaml's key conversion.
  Result<std::string> key_string(const Node& k, const Node& v) {
    switch (k.type()) {
      case Node::Type::string:
        return std::string(k.as_string());
      case Node::Type::boolean:
        return std::string(k.as_bool() ? "true" : "false");
      case Node::Type::integer:
        return std::to_string(k.as_int());
      case Node::Type::floating: {
        std::string s = format_float_g(k.as_float(), 32);
        if (s == "+Inf") s = ".inf";
        if (s == "-Inf") s = "-.inf";
        if (s == "NaN") s = ".nan";
        return s;
      }
      case Node::Type::null:
        return fail(
            "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), "
            "key: <nil>, value: ",
            go_value(v));
      case Node::Type::list:
      case Node::Type::map:
        return fail("error converting YAML to JSON: yaml: invalid map key: ", go_value(k));
    }
    return std::string();
  }

  YamlNumbers m_numbers;
  int64_t m_decode_count = 0;
  int64_t m_alias_count = 0;
  int m_alias_depth = 0;
  std::vector<const RawNode*> m_alias_stack;
  std::unordered_map<const RawNode*, std::pair<Node, int64_t>> m_cache;
  std::optional<std::string> m_unsupported;
};

}  // namespace

Result<Node> yaml_to_json(std::string_view text, YamlNumbers numbers) {
  Parser parser(text);
  RawNode* root = TRY(parser.parse());
  if (root == nullptr) return Node();
  Decoder decoder(numbers);
  Node value = TRY(decoder.decode(root));
  if (decoder.unsupported())
    return fail("error converting YAML to JSON: json: unsupported value: ", *decoder.unsupported());
  return value;
}

Result<Node> yaml_to_map(std::string_view text) {
  Node value = TRY(yaml_to_json(text));
  if (value.is_null()) return Node::map();
  if (!value.is_map())
    return fail("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ",
                go_json_type(value), " into Go value of type map[string]interface {}");
  return value;
}

Result<std::vector<std::string_view>> split_yaml_documents(std::string_view text) {
  std::vector<std::string_view> docs;
  size_t doc_start = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    size_t next = end == std::string_view::npos ? text.size() : end + 1;
    std::string_view line = text.substr(pos, next - pos);
    if (line.starts_with("---")) {
      std::string_view rest = line.substr(3);
      size_t a = rest.find_first_not_of(" \t\r\n\v\f");
      if (a != std::string_view::npos && rest[a] != '#') {
        size_t b = rest.find_last_not_of(" \t\r\n\v\f");
        return fail("invalid Yaml document separator: ", rest.substr(a, b - a + 1));
      }
      if (pos > doc_start) docs.push_back(text.substr(doc_start, pos - doc_start));
      doc_start = next;
    }
    pos = next;
  }
  if (text.size() > doc_start) docs.push_back(text.substr(doc_start));
  return docs;
}

Result<Node> load_values(std::string_view text) {
  Node values = Node::map();
  auto docs = split_yaml_documents(text);
  if (!docs) return std::unexpected(docs.error().context("error reading yaml document"));
  for (std::string_view doc : *docs) {
    auto current = yaml_to_map(doc);
    if (!current) return std::unexpected(current.error().context("cannot unmarshal yaml document"));
    values = merge_maps(values, *current);
  }
  return values;
}

Node merge_maps(const Node& a, const Node& b) {
  Node out = a.is_map() ? a : Node::map();
  if (!b.is_map()) return out;
  for (const auto& e : b.entries()) {
    if (e.value.is_map()) {
      const Node* existing = out.find(e.key.as_string());
      if (existing != nullptr && existing->is_map()) {
        out.set(e.key.as_string(), merge_maps(*existing, e.value));
        continue;
      }
    }
    out.set(e.key.as_string(), e.value);
  }
  return out;
}

std::string format_float_g(double value, int bits) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::to_chars_result r;
  if (bits == 32)
    r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(value),
                      std::chars_format::scientific);
  else
    r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
  std::string out;
  if (text.front() == '-') {
    out.push_back('-');
    text.remove_prefix(1);
  }
  size_t e_at = text.find('e');
  int exponent = 0;
  std::from_chars(text.data() + e_at + 1 + (text[e_at + 1] == '+'), text.data() + text.size(),
                  exponent);
  std::string digits;
  for (char c : text.substr(0, e_at))
    if (c != '.') digits.push_back(c);
  if (digits == "0") exponent = 0;
  if (exponent < -4 || exponent >= 6) {  // shortest 'g': %e from exponent 6
    // Go: %e with the shortest digits, exponent at least two digits.
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exponent < 0 ? "e-" : "e+";
    int e = exponent < 0 ? -exponent : exponent;
    if (e < 10) out.push_back('0');
    out += std::to_string(e);
    return out;
  }
  if (exponent < 0) {
    out += "0." + std::string(size_t(-exponent - 1), '0') + digits;
  } else if (size_t(exponent) + 1 >= digits.size()) {
    out += digits + std::string(size_t(exponent) + 1 - digits.size(), '0');
  } else {
    out += digits.substr(0, size_t(exponent) + 1) + "." + digits.substr(size_t(exponent) + 1);
  }
  return out;
}

}  // namespace plumb::helm

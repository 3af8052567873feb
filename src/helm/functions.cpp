// Helm's template functions over sprig's (see functions.hpp).
#include "helm/functions.hpp"

#include "helm/toml.hpp"

#include <charconv>
#include <cmath>
#include <unordered_map>

#include "core/json.hpp"
#include "core/yaml.hpp"
#include "helm/sigs_yaml.hpp"
#include "sprig/sprig.hpp"

namespace plumb::helm {
namespace {

using gotemplate::CallContext;
using gotemplate::FuncInfo;
using gotemplate::FuncMap;
using gotemplate::Param;
using gotemplate::TemplateSet;
using gotemplate::Value;
using Args = std::span<const Value>;

// Helm's recursionMaxNums: include of one name nested deeper than this fails.
constexpr int k_max_include_nesting = 1000;

// Nesting of include per template name, for the render running on this thread.
thread_local std::unordered_map<std::string, int> t_included;

std::string wrap_err(std::string_view message) {
  std::string out(k_err_start);
  out += message;
  out += k_err_end;
  return out;
}

Value from_json_node(const Node& node) {
  return Value::from_node(node, Value::Numbers::as_float64);
}

// --- TOML (BurntSushi/toml's Encoder) ---

bool toml_bare_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void toml_quoted(std::string_view s, std::string& out) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

std::string toml_key(std::string_view key) {
  if (toml_bare_key(key)) return std::string(key);
  std::string out;
  toml_quoted(key, out);
  return out;
}

bool is_table_array(const Node& node) {
  if (!node.is_list() || node.empty()) return false;
  for (const Node& item : node.items())
    if (!item.is_map()) return false;
  return true;
}

class TomlEncoder {
 public:
  Result<std::string> encode(const Node& root) {
    if (!root.is_map()) return fail("toml: top-level values must be Go maps or structs");
    TRY_VOID(table(root));
    return std::move(m_out);
  }

 private:
  void write(std::string_view s) {
    m_out += s;
    if (!s.empty()) m_written = true;
  }
  void newline() {
    if (m_written) m_out.push_back('\n');
  }
  std::string indent(size_t levels) const { return std::string(levels * 2, ' '); }
  std::string path() const {
    std::string out;
    for (const std::string& k : m_key) {
      if (!out.empty()) out.push_back('.');
      out += toml_key(k);
    }
    return out;
  }

  Result<void> element(const Node& node, std::string& out) {
    switch (node.type()) {
      case Node::Type::boolean:
        out += node.as_bool() ? "true" : "false";
        return {};
      case Node::Type::integer:
        out += std::to_string(node.as_int());
        return {};
      case Node::Type::floating: {
        double f = node.as_float();
        if (std::isnan(f)) {
          out += "nan";
        } else if (std::isinf(f)) {
          out += f > 0 ? "inf" : "-inf";
        } else {
          char buf[400];
          auto r = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::fixed);
          std::string text(buf, r.ptr);
          if (text.find('.') == std::string::npos) text += ".0";
          out += text;
        }
        return {};
      }
      case Node::Type::string:
        toml_quoted(node.as_string(), out);
        return {};
      case Node::Type::list: {
        out.push_back('[');
        bool first = true;
        for (const Node& item : node.items()) {
          if (item.is_null()) return fail("toml: cannot encode array with nil element");
          if (!first) out += ", ";
          first = false;
          if (item.is_map()) {
            TRY_VOID(inline_table(item, out));
          } else {
            TRY_VOID(element(item, out));
          }
        }
        out.push_back(']');
        return {};
      }
      case Node::Type::map:
        return inline_table(node, out);
      case Node::Type::null:
        return fail("toml: cannot encode a nil value");
    }
    return {};
  }

  Result<void> inline_table(const Node& node, std::string& out) {
    out += "{";
    bool first = true;
    for (const auto* e : sorted(node)) {
      if (e->value.is_null()) continue;
      out += first ? "" : ", ";
      first = false;
      out += toml_key(e->key.as_string()) + " = ";
      TRY_VOID(element(e->value, out));
    }
    out += "}";
    return {};
  }

  static std::vector<const MapEntry*> sorted(const Node& map) {
    std::vector<const MapEntry*> entries;
    for (const MapEntry& e : map.entries())
      entries.push_back(&e);
    std::sort(entries.begin(), entries.end(), [](const MapEntry* a, const MapEntry* b) {
      return a->key.as_string() < b->key.as_string();
    });
    return entries;
  }

  Result<void> table(const Node& map) {
    auto entries = sorted(map);
    for (const MapEntry* e : entries) {
      if (e->value.is_null() || e->value.is_map() || is_table_array(e->value)) continue;
      std::string line = indent(m_key.size()) + toml_key(e->key.as_string()) + " = ";
      TRY_VOID(element(e->value, line));
      write(line);
      newline();
    }
    for (const MapEntry* e : entries) {
      if (e->value.is_map()) {
        m_key.emplace_back(e->key.as_string());
        if (m_key.size() == 1) newline();
        write(indent(m_key.size() - 1) + "[" + path() + "]");
        newline();
        TRY_VOID(table(e->value));
        m_key.pop_back();
      } else if (is_table_array(e->value)) {
        m_key.emplace_back(e->key.as_string());
        for (const Node& item : e->value.items()) {
          newline();
          write(indent(m_key.size() - 1) + "[[" + path() + "]]");
          newline();
          TRY_VOID(table(item));
        }
        m_key.pop_back();
      }
    }
    return {};
  }

  std::string m_out;
  bool m_written = false;
  std::vector<std::string> m_key;
};

// --- the functions ---

Result<Value> fn_to_yaml(CallContext&, Args args) {
  return Value::string(to_yaml_text(args[0]));
}

Result<Value> fn_to_yaml_pretty(CallContext&, Args args) {
  // go-yaml v3 with a 2-space indent over the Go values: lists indented under their key, long
  // strings never folded, floats as FormatFloat 'g' (values' numbers are float64: 1e+06).
  std::string out = to_yaml(
      args[0].to_node(),
      YamlStyle{.compact_sequences = false, .fold_long_strings = false, .floats_as_json = false});
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return Value::string(std::move(out));
}

Result<Value> fn_to_json(CallContext&, Args args) {
  return Value::string(to_json(args[0].to_node()));
}

Result<Value> fn_from_yaml(CallContext&, Args args) {
  auto parsed = yaml_to_map(args[0].as_string());
  if (!parsed) {
    Value out = Value::map();
    out.map_ptr()->set("Error", Value::string(parsed.error().message()).boxed_copy());
    return out;
  }
  return from_json_node(*parsed);
}

Result<Value> fn_from_yaml_array(CallContext&, Args args) {
  auto parsed = yaml_to_json(args[0].as_string());
  std::string error;
  if (!parsed) {
    error = parsed.error().message();
  } else if (parsed->is_null()) {
    return Value::list(gotemplate::ValueList{});
  } else if (!parsed->is_list()) {
    error = std::string("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ") +
            (parsed->is_map()      ? "object"
             : parsed->is_string() ? "string"
                                   : "number") +
            " into Go value of type []interface {}";
  } else {
    return from_json_node(*parsed);
  }
  return Value::list(gotemplate::ValueList{Value::string(error).boxed_copy()});
}

// encoding/json.Unmarshal into interface{} with Go's syntax errors: sprig's mustFromJson.
const gotemplate::Function& go_json_decode() {
  static const gotemplate::Function k_decode = [] {
    FuncMap funcs = sprig::functions();
    const FuncInfo* info = funcs.find("mustFromJson");
    return info ? info->fn : gotemplate::Function();
  }();
  return k_decode;
}

Result<Value> decode_json(CallContext& context, Args args) {
  if (!go_json_decode()) {
    auto parsed = parse_json(args[0].as_string(), "json");
    if (!parsed) return std::unexpected(parsed.error());
    return from_json_node(*parsed);
  }
  return go_json_decode()(context, args);
}

std::string_view json_kind(const Value& v) {
  if (v.is_map()) return "object";
  if (v.is_list()) return "array";
  if (v.is_string()) return "string";
  if (v.kind() == gotemplate::Kind::boolean) return "bool";
  return "number";
}

Result<Value> fn_from_json(CallContext& context, Args args) {
  auto decoded = decode_json(context, args);
  std::string error;
  if (!decoded) {
    error = decoded.error().message();
  } else {
    Value v = decoded->unboxed();
    if (v.is_map()) return v;
    if (v.is_nothing()) return Value::map();
    error = std::string("json: cannot unmarshal ") + std::string(json_kind(v)) +
            " into Go value of type map[string]interface {}";
  }
  Value out = Value::map();
  out.map_ptr()->set("Error", Value::string(error).boxed_copy());
  return out;
}

Result<Value> fn_from_json_array(CallContext& context, Args args) {
  auto decoded = decode_json(context, args);
  std::string error;
  if (!decoded) {
    error = decoded.error().message();
  } else {
    Value v = decoded->unboxed();
    if (v.is_list()) return v;
    if (v.is_nothing()) return Value::list(gotemplate::ValueList{});
    error = std::string("json: cannot unmarshal ") + std::string(json_kind(v)) +
            " into Go value of type []interface {}";
  }
  return Value::list(gotemplate::ValueList{Value::string(error).boxed_copy()});
}

Result<Value> fn_to_toml(CallContext&, Args args) {
  auto out = TomlEncoder().encode(args[0].to_node());
  return Value::string(out ? *out : out.error().message());
}

// Helm's fromTOML: the document as a map, or an empty map holding the error under "Error".
Result<Value> fn_from_toml(CallContext&, Args args) {
  auto decoded = decode_toml(args[0].as_string());
  if (decoded) return *decoded;
  Value out = Value::map();
  out.map_ptr()->set("Error", Value::string(decoded.error().message()).boxed_copy());
  return out;
}

Result<Value> fn_include(CallContext& context, Args args) {
  std::string name(args[0].as_string());
  int& depth = t_included[name];
  if (depth > k_max_include_nesting)
    return fail("rendering template has a nested reference name: ", name,
                ": unable to execute template");
  ++depth;
  std::string out;
  auto done = context.execute(out, context.set(), name, args[1]);
  --t_included[name];
  if (!done) return std::unexpected(done.error());
  return Value::string(out);
}

Result<Value> fn_tpl(CallContext& context, Args args) {
  std::string_view text = args[0].as_string();
  TemplateSet set = context.set().clone();
  std::string quoted = to_json(Node::string(text));
  if (auto parsed = set.parse(set.name(), std::string(text)); !parsed)
    return fail("cannot parse template ", quoted, ": ", parsed.error().message());
  std::string out;
  if (auto done = context.execute(out, set, set.name(), args[1]); !done)
    return fail("error during tpl function execution for ", quoted, ": ", done.error().message());
  return Value::string(remove_no_value(std::move(out)));
}

Result<Value> fn_required(CallContext&, Args args) {
  const Value& v = args[1];
  if (v.is_nothing() || (v.is_string() && v.as_string().empty()))
    return fail(wrap_err(args[0].as_string()));
  return v.boxed_copy();
}

Result<Value> fn_fail(CallContext&, Args args) {
  return fail(wrap_err(args[0].as_string()));
}

Result<Value> fn_lookup(CallContext&, Args) {
  return Value::map();
}

Result<Value> fn_get_host_by_name(CallContext&, Args) {
  return Value::string("");
}

}  // namespace

std::string to_yaml_text(const Value& value) {
  std::string out = to_yaml(value.to_node());
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string remove_no_value(std::string s) {
  constexpr std::string_view k_no_value = "<no value>";
  size_t pos = s.find(k_no_value);
  if (pos == std::string::npos) return s;
  std::string out;
  out.reserve(s.size());
  size_t start = 0;
  for (; pos != std::string::npos; pos = s.find(k_no_value, start)) {
    out.append(s, start, pos - start);
    start = pos + k_no_value.size();
  }
  out.append(s, start);
  return out;
}

void add_helm_functions(FuncMap& funcs) {
  auto add = [&](std::string name, gotemplate::Function fn, std::vector<Param> params) {
    funcs.add(std::move(name), FuncInfo{std::move(fn), std::move(params), false});
  };
  add("toYaml", fn_to_yaml, {Param::any});
  add("mustToYaml", fn_to_yaml, {Param::any});
  add("toYamlPretty", fn_to_yaml_pretty, {Param::any});
  add("fromYaml", fn_from_yaml, {Param::string});
  add("fromYamlArray", fn_from_yaml_array, {Param::string});
  // Helm's toJSON/mustToJSON are json.Marshal as sprig's are (NaN and the like swallowed or
  // returned as errors); sprig's carry those checks.
  if (!funcs.contains("toJson")) add("toJson", fn_to_json, {Param::any});
  if (!funcs.contains("mustToJson")) add("mustToJson", fn_to_json, {Param::any});
  add("fromJson", fn_from_json, {Param::string});
  add("fromJsonArray", fn_from_json_array, {Param::string});
  add("toToml", fn_to_toml, {Param::any});
  add("fromToml", fn_from_toml, {Param::string});
  add("include", fn_include, {Param::string, Param::any});
  add("tpl", fn_tpl, {Param::string, Param::any});
  add("required", fn_required, {Param::string, Param::any});
  add("fail", fn_fail, {Param::string});
  add("lookup", fn_lookup, {Param::string, Param::string, Param::string, Param::string});
  add("getHostByName", fn_get_host_by_name, {Param::string});
}

FuncMap helm_function_map() {
  FuncMap funcs = sprig::functions();
  add_helm_functions(funcs);
  return funcs;
}

}  // namespace plumb::helm

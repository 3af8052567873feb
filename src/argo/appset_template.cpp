// Argo's Render (applicationset/utils): Replace with valyala/fasttemplate or Go's text/template,
// the functions Argo gives templates (sprig's GenericFuncMap without env, expandenv and
// getHostByName; normalize, slugify, toYaml, fromYaml, fromYamlArray), and deeplyReplace over
// a document. SanitizeName and gosimple/slug for normalize and slugify.
#include <memory>
#include <string>

#include "argo/appset_parts.hpp"
#include "gotemplate/strconv.hpp"
#include "helm/functions.hpp"
#include "helm/sigs_yaml.hpp"
#include "sprig/sprig.hpp"

namespace plumb::argo {

using gotemplate::CallContext;
using gotemplate::FuncInfo;
using gotemplate::MissingKey;
using gotemplate::Param;
using gotemplate::Value;
using Args = std::span<const Value>;

std::string sanitize_name(std::string_view name) {
  // strings.ToLower, then [^-a-z0-9.] → "-" per rune. Only A-Z, the Kelvin sign and the
  // capital I with a dot lower-case into the kept characters; every other rune becomes "-".
  std::string out;
  for (size_t i = 0; i < name.size();) {
    size_t width = 1;
    int32_t r = gotemplate::decode_utf8(name, i, width);
    i += width;
    if (r >= 'A' && r <= 'Z') r += 'a' - 'A';
    if (r == 0x212A) r = 'k';
    if (r == 0x130) r = 'i';
    bool kept = (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' || r == '.';
    out.push_back(kept ? static_cast<char>(r) : '-');
  }
  if (out.size() > 253) out.resize(253);
  size_t begin = out.find_first_not_of("-.");
  if (begin == std::string::npos) return "";
  size_t end = out.find_last_not_of("-.");
  return out.substr(begin, end - begin + 1);
}

namespace appset {
namespace {

// What one string of a template may render to (Go has no limit): far more than an
// Application's field can hold (etcd takes objects up to 1.5 MB), little enough that a
// hostile ApplicationSet cannot exhaust the controller's memory.
constexpr size_t k_max_rendered = size_t{4} << 20;

// gosimple/slug's Make over what SanitizeName left ([-a-z0-9.] only), with MaxLength and
// EnableSmartTruncate set as slugify sets them.
std::string slug_make(std::string s, int64_t max_length, bool smart) {
  if (!smart && static_cast<int64_t>(s.size()) >= max_length)
    s.resize(static_cast<size_t>(std::max<int64_t>(max_length, 0)));
  std::string out;
  for (char c : s) {
    bool authorized = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
    char w = authorized ? c : '-';
    if (w == '-' && !out.empty() && out.back() == '-') continue;
    out.push_back(w);
  }
  size_t begin = out.find_first_not_of("-_");
  out = begin == std::string::npos ? "" : out.substr(begin, out.find_last_not_of("-_") - begin + 1);
  if (max_length > 0 && smart && static_cast<int64_t>(out.size()) > max_length) {
    for (int64_t i = max_length; i >= 0; --i) {
      if (out[static_cast<size_t>(i)] == '-') return out.substr(0, static_cast<size_t>(i));
    }
    return out.substr(0, static_cast<size_t>(max_length));
  }
  return out;
}

// SlugifyName(args ...interface{}): [maxSize int [, smartTruncate bool]] name string.
Result<Value> fn_slugify(CallContext&, Args args) {
  int64_t max_size = 50;
  bool smart = true;
  std::string name;
  for (size_t i = 0; i < args.size(); ++i) {
    const Value v = args[i].unboxed();
    auto wrong = [&](std::string_view want) {
      return fail("interface conversion: interface {} is ", v.type_name(), ", not ", want);
    };
    if (i + 1 == args.size()) {
      if (!v.is_string()) return wrong("string");
      name = std::string(v.as_string());
    } else if (i == 0) {
      if (v.kind() != gotemplate::Kind::integer || v.type() != gotemplate::GoType::int_)
        return wrong("int");
      max_size = v.as_int();
    } else if (i == 1) {
      if (v.kind() != gotemplate::Kind::boolean) return wrong("bool");
      smart = v.as_bool();
    }
  }
  return Value::string(slug_make(sanitize_name(name), max_size, smart));
}

Result<Value> fn_normalize(CallContext&, Args args) {
  return Value::string(sanitize_name(args[0].as_string()));
}

Result<Value> fn_to_yaml(CallContext&, Args args) {
  return Value::string(helm::to_yaml_text(args[0]));
}

Result<Value> fn_from_yaml(CallContext&, Args args) {
  Node parsed = TRY(helm::yaml_to_map(args[0].as_string()));
  return Value::from_node(parsed, Value::Numbers::as_float64);
}

Result<Value> fn_from_yaml_array(CallContext&, Args args) {
  Node parsed = TRY(helm::yaml_to_json(args[0].as_string()));
  if (parsed.is_null()) return Value::list(gotemplate::ValueList{});
  if (!parsed.is_list()) {
    return fail("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ",
                parsed.is_map()      ? "object"
                : parsed.is_string() ? "string"
                                     : "number",
                " into Go value of type []interface {}");
  }
  return Value::from_node(parsed, Value::Numbers::as_float64);
}

std::shared_ptr<const gotemplate::FuncMap> argo_functions() {
  static const auto k_funcs = [] {
    gotemplate::FuncMap funcs = sprig::functions();  // env and expandenv are already out
    funcs.remove("getHostByName");
    funcs.add("normalize", FuncInfo{fn_normalize, {Param::string}, false});
    funcs.add("slugify", gotemplate::Function(fn_slugify));
    funcs.add("toYaml", FuncInfo{fn_to_yaml, {Param::any}, false});
    funcs.add("fromYaml", FuncInfo{fn_from_yaml, {Param::string}, false});
    funcs.add("fromYamlArray", FuncInfo{fn_from_yaml_array, {Param::string}, false});
    return std::make_shared<const gotemplate::FuncMap>(std::move(funcs));
  }();
  return k_funcs;
}

std::string_view trim_space(std::string_view s) {
  size_t begin = s.size(), end = 0;
  for (size_t i = 0; i < s.size();) {
    size_t width = 1;
    int32_t r = gotemplate::decode_utf8(s, i, width);
    if (!gotemplate::is_space(r)) {
      if (begin == s.size()) begin = i;
      end = i + width;
    }
    i += width;
  }
  return begin >= end ? std::string_view() : s.substr(begin, end - begin);
}

// Argo's isTemplatedRegex `.*{{.*}}.*`: a line holding "{{" and, after it, "}}".
bool looks_templated(std::string_view text) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    size_t open = line.find("{{");
    if (open != std::string_view::npos && line.find("}}", open + 2) != std::string_view::npos)
      return true;
    start = end + 1;
  }
  return false;
}

// fasttemplate's ExecuteFuncString with Argo's tag function: a tag whose trimmed text names a
// string parameter is replaced, any other is written back as it was.
Result<std::string> fast_replace(std::string_view text, const Node& params) {
  if (!looks_templated(text)) return std::string(text);
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return fail(
          "invalid template: Cannot find end tag=\"}}\" in the template=", gotemplate::quote(text),
          " starting from ", gotemplate::quote(text.substr(open + 2)));
    }
    std::string_view tag = text.substr(open + 2, close - open - 2);
    std::string_view name = trim_space(tag);
    const Node* value = name.empty() ? nullptr : params.find(name);
    if (value && value->is_string()) {
      out.append(value->as_string());
    } else {
      out.append("{{").append(tag).append("}}");
    }
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace

Templater::Templater(bool go_template, const std::vector<std::string>& options)
    : m_go_template(go_template) {
  for (const std::string& o : options) {  // Go's Template.Option: the last one wins
    if (o == "missingkey=zero")
      m_missing_key = MissingKey::zero;
    else if (o == "missingkey=error")
      m_missing_key = MissingKey::error;
    else
      m_missing_key = MissingKey::invalid;
  }
}

Templater::~Templater() = default;

Templater::Bound Templater::bind(const Node& params) const {
  Bound bound;
  bound.params = &params;
  if (m_go_template) bound.dot = Value::from_node(params, Value::Numbers::as_float64);
  return bound;
}

Result<std::string> Templater::replace(std::string_view text, const Bound& bound,
                                       std::optional<MissingKey> missing_key) const {
  if (!m_go_template) return fast_replace(text, *bound.params);
  auto cached = m_parsed.find(text);
  if (cached == m_parsed.end()) {
    if (auto failed = m_parse_errors.find(text); failed != m_parse_errors.end())
      return std::unexpected(failed->second);
    auto set = std::make_shared<gotemplate::TemplateSet>("base", argo_functions());
    if (auto parsed = set->parse("base", std::string(text)); !parsed) {
      Error error("failed to parse template " + std::string(text) + ": " +
                  parsed.error().message());
      m_parse_errors.emplace(std::string(text), error);
      return std::unexpected(std::move(error));
    }
    cached = m_parsed.emplace(std::string(text), std::move(set)).first;
  }
  gotemplate::ExecOptions options;
  options.missing_key = missing_key.value_or(m_missing_key);
  options.max_output = k_max_rendered;
  auto out = cached->second->execute("base", bound.dot, options);
  if (!out) return fail("failed to execute go template ", text, ": ", out.error().message());
  return std::move(*out);
}

namespace {

struct DeepReplace {
  const Templater& templater;
  const Templater::Bound& bound;
  std::string path;

  std::unexpected<Error> at(const Error& error) const { return fail(path, ": ", error.message()); }

  Result<Node> walk(const Node& node) {
    if (node.is_string()) {
      auto out = templater.replace(node.as_string(), bound);
      if (!out) return at(out.error());
      return Node::string(*out);
    }
    if (node.is_list()) {
      Node out = Node::list(node.size());
      size_t i = 0;
      for (const Node& item : node.items()) {
        size_t mark = path.size();
        path += "[" + std::to_string(i++) + "]";
        out.push_back(TRY(walk(item)));
        path.resize(mark);
      }
      return out;
    }
    if (node.is_map()) {
      Node out = Node::map(node.size());
      for (const MapEntry& e : node.entries()) {
        if (e.value.is_null()) continue;  // Argo skips nil map values
        size_t mark = path.size();
        path += (path.empty() ? "" : ".") + std::string(e.key.as_string());
        Node value = TRY(walk(e.value));
        auto key = templater.replace(e.key.as_string(), bound);
        if (!key) return at(key.error());
        path.resize(mark);
        out.set(*key, std::move(value));
      }
      return out;
    }
    return node;
  }
};

}  // namespace

Result<Node> Templater::replace_all(const Node& node, const Bound& bound,
                                    const std::string& path) const {
  DeepReplace walker{*this, bound, path};
  return walker.walk(node);
}

}  // namespace appset
}  // namespace plumb::argo

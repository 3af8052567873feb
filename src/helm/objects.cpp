// .Files and .Capabilities as host objects (see objects.hpp).
#include "helm/objects.hpp"

#include <map>

#include "core/base64.hpp"
#include "helm/functions.hpp"

namespace plumb::helm {
namespace {

using gotemplate::CallContext;
using gotemplate::FuncInfo;
using gotemplate::Object;
using gotemplate::Param;
using gotemplate::Value;
using Args = std::span<const Value>;

// --- gobwas/glob ---

// Expands {a,b} alternatives (nested) into plain patterns; false when braces do not balance.
bool expand_braces(std::string_view pattern, std::vector<std::string>& out) {
  size_t open = std::string_view::npos;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
    } else if (pattern[i] == '{') {
      open = i;
      break;
    } else if (pattern[i] == '}') {
      return false;
    }
  }
  if (open == std::string_view::npos) {
    out.emplace_back(pattern);
    return true;
  }
  int depth = 0;
  std::vector<std::string_view> alternatives;
  size_t start = open + 1;
  for (size_t i = open; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      ++i;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth == 0) {
        alternatives.push_back(pattern.substr(start, i - start));
        std::string_view rest = pattern.substr(i + 1);
        for (std::string_view alt : alternatives) {
          std::string joined(pattern.substr(0, open));
          joined += alt;
          joined += rest;
          if (!expand_braces(joined, out)) return false;
        }
        return true;
      }
    } else if (c == ',' && depth == 1) {
      alternatives.push_back(pattern.substr(start, i - start));
      start = i + 1;
    }
  }
  return false;
}

// Matches one brace-free pattern; -1 when the pattern is malformed. `*` and `?` stop at '/'
// unless `slash` is false.
int match_plain(std::string_view p, std::string_view s, bool slash) {
  size_t pi = 0;
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '*') {
      bool super = pi + 1 < p.size() && p[pi + 1] == '*';
      std::string_view rest = p.substr(pi + (super ? 2 : 1));
      for (size_t k = 0; k <= s.size(); ++k) {
        int r = match_plain(rest, s.substr(k), slash);
        if (r != 0) return r;
        if (k < s.size() && !super && slash && s[k] == '/') break;
      }
      return 0;
    }
    if (s.empty()) {
      // A malformed class still has to be reported.
      if (c == '[' && p.find(']', pi) == std::string_view::npos) return -1;
      return 0;
    }
    if (c == '?') {
      if (slash && s[0] == '/') return 0;
    } else if (c == '[') {
      size_t end = p.find(']', pi + 1);
      if (end == std::string_view::npos) return -1;
      std::string_view cls = p.substr(pi + 1, end - pi - 1);
      bool negate = !cls.empty() && cls[0] == '!';
      if (negate) cls.remove_prefix(1);
      bool found = false;
      for (size_t k = 0; k < cls.size(); ++k) {
        if (k + 2 < cls.size() && cls[k + 1] == '-') {
          if (s[0] >= cls[k] && s[0] <= cls[k + 2]) found = true;
          k += 2;
        } else if (cls[k] == s[0]) {
          found = true;
        }
      }
      if (found == negate) return 0;
      pi = end;
    } else {
      if (c == '\\' && pi + 1 < p.size()) c = p[++pi];
      if (s[0] != c) return 0;
    }
    ++pi;
    s.remove_prefix(1);
  }
  return s.empty() ? 1 : 0;
}

// An object whose methods are closures over it (the engine passes only the arguments).
class MethodObject : public Object {
 public:
  MethodObject() = default;
  MethodObject(const MethodObject&) = delete;
  MethodObject& operator=(const MethodObject&) = delete;
  const FuncInfo* method(std::string_view name) const override {
    auto it = m_methods.find(name);
    return it == m_methods.end() ? nullptr : &it->second;
  }

 protected:
  void add(std::string name, gotemplate::Function fn, std::vector<Param> params) {
    m_methods.emplace(std::move(name), FuncInfo{std::move(fn), std::move(params), false});
  }

 private:
  std::map<std::string, FuncInfo, std::less<>> m_methods;
};

// --- .Files ---

// Views into the chart's files, which outlive the render (see objects.hpp).
using FileMap = std::map<std::string_view, std::string_view, std::less<>>;

std::string base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

class FilesObject : public MethodObject {
 public:
  explicit FilesObject(FileMap files) : m_files(std::move(files)) {
    add("Get", [this](CallContext&, Args a) { return Result<Value>(Value::string(get(a[0]))); },
        {Param::string});
    add("GetBytes",
        [this](CallContext&, Args a) { return Result<Value>(Value::string(get(a[0]))); },
        {Param::string});
    add("Glob", [this](CallContext&, Args a) { return Result<Value>(glob(a[0].as_string())); },
        {Param::string});
    add("AsConfig", [this](CallContext&, Args) { return Result<Value>(as_config(false)); }, {});
    add("AsSecrets", [this](CallContext&, Args) { return Result<Value>(as_config(true)); }, {});
    add("Lines", [this](CallContext&, Args a) { return Result<Value>(lines(a[0].as_string())); },
        {Param::string});
  }

  std::string type_name() const override { return "engine.files"; }
  std::string_view kind_name() const override { return "map"; }
  std::optional<Value> field(std::string_view) const override { return std::nullopt; }
  void format(std::string& out) const override {
    out += "map[";
    bool first = true;
    for (const auto& [name, data] : m_files) {
      if (!first) out.push_back(' ');
      first = false;
      out.append(name);
      out += ":[";
      for (size_t i = 0; i < data.size(); ++i) {
        if (i) out.push_back(' ');
        out += std::to_string(static_cast<unsigned char>(data[i]));
      }
      out.push_back(']');
    }
    out.push_back(']');
  }
  Node to_node() const override {
    Node out = Node::map();
    for (const auto& [name, data] : m_files)
      out.set(name, Node::string(base64_encode(data)));
    return out;
  }
  Value elements() const override {
    Value out = Value::map();
    for (const auto& [name, data] : m_files)
      out.map_ptr()->append_unsorted(std::string(name), Value::string(data).boxed_copy());
    return out;
  }

 private:
  std::string_view get(const Value& name) const {
    auto it = m_files.find(name.as_string());
    return it == m_files.end() ? std::string_view() : std::string_view(it->second);
  }
  Value glob(std::string_view pattern) const {
    FileMap out;
    for (const auto& [name, data] : m_files) {
      std::optional<bool> match = glob_match(pattern, name);
      if (!match || *match) out.emplace(name, data);
    }
    return Value::object(std::make_shared<FilesObject>(std::move(out)));
  }
  Value as_config(bool secrets) const {
    Node map = Node::map();
    for (const auto& [name, data] : m_files)
      map.set(base_name(name), Node::string(secrets ? base64_encode(data) : data));
    std::string text = to_yaml_text(Value::from_node(map));
    return Value::string(text);
  }
  Value lines(std::string_view path) const {
    gotemplate::ValueList out;
    auto it = m_files.find(path);
    if (it != m_files.end()) {
      std::string_view s = it->second;
      if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
      while (true) {
        size_t nl = s.find('\n');
        out.push_back(Value::string(s.substr(0, nl)));
        if (nl == std::string_view::npos) break;
        s.remove_prefix(nl + 1);
      }
    }
    return Value::list(std::move(out), gotemplate::GoType::list_string);
  }

  FileMap m_files;
};

// --- .Capabilities ---

// A Go struct: fields in order, printed as {a b c}.
class StructObject : public MethodObject {
 public:
  StructObject(std::string type, std::vector<std::pair<std::string, Value>> fields, Node node)
      : m_type(std::move(type)), m_fields(std::move(fields)), m_node(std::move(node)) {}
  std::string type_name() const override { return m_type; }
  std::optional<Value> field(std::string_view name) const override {
    for (const auto& [key, value] : m_fields)
      if (key == name) return value;
    return std::nullopt;
  }
  void format(std::string& out) const override {
    if (m_type.starts_with("*")) out.push_back('&');
    out.push_back('{');
    bool first = true;
    for (const auto& [key, value] : m_fields) {
      if (!first) out.push_back(' ');
      first = false;
      if (const Object* object = value.object_ptr()) {
        std::string inner;
        object->format(inner);
        if (inner.starts_with("&")) inner.erase(0, 1);
        out += inner;
      } else if (value.is_list()) {
        out.push_back('[');
        for (size_t i = 0; i < value.items().size(); ++i) {
          if (i) out.push_back(' ');
          out += value.items()[i].as_string();
        }
        out.push_back(']');
      } else {
        out += value.as_string();
      }
    }
    out.push_back('}');
  }
  Node to_node() const override { return m_node; }

 protected:
  std::string m_type;
  std::vector<std::pair<std::string, Value>> m_fields;
  Node m_node;
};

class KubeVersionObject : public StructObject {
 public:
  KubeVersionObject(const KubeVersion& kv, Node node)
      : StructObject("common.KubeVersion",
                     {{"Version", Value::string(kv.version)},
                      {"Major", Value::string(kv.major)},
                      {"Minor", Value::string(kv.minor)}},
                     std::move(node)),
        m_version(kv.version),
        m_normalized(kv.normalized) {
    add("String", [this](CallContext&, Args) { return Result<Value>(Value::string(m_normalized)); },
        {});
    add("GitVersion",
        [this](CallContext&, Args) { return Result<Value>(Value::string(m_version)); }, {});
  }
  // A *KubeVersion prints through its String method: the normalized version.
  void format(std::string& out) const override { out += m_normalized; }
  void format_plain(std::string& out) const { StructObject::format(out); }

 private:
  std::string m_version, m_normalized;
};

class VersionSetObject : public MethodObject {
 public:
  explicit VersionSetObject(std::vector<std::string> versions) : m_versions(std::move(versions)) {
    add("Has",
        [this](CallContext&, Args a) {
          for (const std::string& v : m_versions)
            if (v == a[0].as_string()) return Result<Value>(Value::boolean(true));
          return Result<Value>(Value::boolean(false));
        },
        {Param::string});
  }
  std::string type_name() const override { return "common.VersionSet"; }
  std::string_view kind_name() const override { return "slice"; }
  std::optional<Value> field(std::string_view) const override { return std::nullopt; }
  void format(std::string& out) const override {
    out.push_back('[');
    for (size_t i = 0; i < m_versions.size(); ++i) {
      if (i) out.push_back(' ');
      out += m_versions[i];
    }
    out.push_back(']');
  }
  Node to_node() const override {
    Node out = Node::list();
    for (const std::string& v : m_versions)
      out.push_back(Node::string(v));
    return out;
  }
  Value elements() const override {
    gotemplate::ValueList out;
    for (const std::string& v : m_versions)
      out.push_back(Value::string(v));
    return Value::list(std::move(out), gotemplate::GoType::list_string);
  }

 private:
  std::vector<std::string> m_versions;
};

class CapabilitiesObject : public StructObject {
 public:
  using StructObject::StructObject;
  void format(std::string& out) const override {
    // &{{v1.35.0 1 35} [v1 ...] {v4.1.4 ...}}: nested fields print without their methods.
    out += "&{";
    bool first = true;
    for (const auto& [key, value] : m_fields) {
      if (!first) out.push_back(' ');
      first = false;
      const Object* object = value.object_ptr();
      if (auto* kv = dynamic_cast<const KubeVersionObject*>(object)) {
        kv->format_plain(out);
      } else if (object != nullptr) {
        object->format(out);
      }
    }
    out.push_back('}');
  }
};

}  // namespace

std::optional<bool> glob_match(std::string_view pattern, std::string_view name,
                               GlobSeparator separator) {
  std::vector<std::string> patterns;
  if (!expand_braces(pattern, patterns)) return std::nullopt;
  bool matched = false;
  for (const std::string& p : patterns) {
    int r = match_plain(p, name, separator == GlobSeparator::slash);
    if (r < 0) return std::nullopt;
    if (r > 0) matched = true;
  }
  return matched;
}

Value files_object(std::span<const ChartFile> files) {
  FileMap map;
  for (const ChartFile& f : files)
    map.insert_or_assign(f.name, f.data);
  return Value::object(std::make_shared<FilesObject>(std::move(map)));
}

Value capabilities_object(const Capabilities& caps) {
  Node node = caps.to_node();
  const Node* helm = node.find("HelmVersion");
  auto str = [&](std::string_view key) { return Value::string(helm->string_at({key})); };
  auto helm_version = std::make_shared<StructObject>(
      "common.BuildInfo",
      std::vector<std::pair<std::string, Value>>{{"Version", str("version")},
                                                 {"GitCommit", str("git_commit")},
                                                 {"GitTreeState", str("git_tree_state")},
                                                 {"GoVersion", str("go_version")},
                                                 {"KubeClientVersion", str("kube_client_version")}},
      *helm);
  auto kube = std::make_shared<KubeVersionObject>(caps.kube_version, *node.find("KubeVersion"));
  auto apis = std::make_shared<VersionSetObject>(caps.api_versions);
  return Value::object(std::make_shared<CapabilitiesObject>(
      "*common.Capabilities",
      std::vector<std::pair<std::string, Value>>{{"KubeVersion", Value::object(kube)},
                                                 {"APIVersions", Value::object(apis)},
                                                 {"HelmVersion", Value::object(helm_version)}},
      node));
}

}  // namespace plumb::helm

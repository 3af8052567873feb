// Chart.yaml into Metadata the way sigs.k8s.io/yaml unmarshals into Helm's Go structs: numbers
// and booleans become their text where the field is a string, JSON names match
// case-insensitively, a wrong JSON type is an error naming the field.
#include <algorithm>
#include <cmath>

#include "core/json.hpp"
#include "helm/chart.hpp"
#include "helm/semver.hpp"
#include "helm/sigs_yaml.hpp"

namespace plumb::helm {
namespace {

Error type_error(const Node& value, std::string_view field, std::string_view go_type) {
  return Error("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
               std::string(go_json_type(value)) + " into Go struct field " + std::string(field) +
               " of type " + std::string(go_type));
}

// A scalar where Go wants a string: sigs.k8s.io/yaml writes numbers and booleans as text.
Result<void> set_string(const Node& v, std::string_view field, std::string& out) {
  switch (v.type()) {
    case Node::Type::null:
      return {};
    case Node::Type::string:
      out = std::string(v.as_string());
      return {};
    case Node::Type::boolean:
      out = v.as_bool() ? "true" : "false";
      return {};
    case Node::Type::integer:
      out = std::to_string(v.as_int());
      return {};
    case Node::Type::floating: {
      std::string s = format_float_g(v.as_float(), 32);
      if (s == "+Inf") s = ".inf";
      if (s == "-Inf") s = "-.inf";
      if (s == "NaN") s = ".nan";
      out = s;
      return {};
    }
    default:
      return std::unexpected(type_error(v, field, "string"));
  }
}

Result<void> set_bool(const Node& v, std::string_view field, bool& out) {
  if (v.is_null()) return {};
  if (!v.is_bool()) return std::unexpected(type_error(v, field, "bool"));
  out = v.as_bool();
  return {};
}

Result<void> set_strings(const Node& v, std::string_view field, std::vector<std::string>& out) {
  if (v.is_null()) {
    out.clear();
    return {};
  }
  if (!v.is_list()) return std::unexpected(type_error(v, field, "[]string"));
  out.clear();
  for (const Node& item : v.items()) {
    std::string s;
    TRY_VOID(set_string(item, field, s));
    out.push_back(std::move(s));
  }
  return {};
}

// The entry of `map` whose key is `name`, else one equal ignoring ASCII case (encoding/json).
template <typename F>
Result<void> for_fields(const Node& map, F&& on_field) {
  for (const auto& e : map.entries()) {
    std::string key(e.key.as_string());
    for (char& c : key)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    TRY_VOID(on_field(key, e.value));
  }
  return {};
}

Result<Maintainer> read_maintainer(const Node& v) {
  Maintainer m;
  if (!v.is_map())
    return std::unexpected(type_error(v, "Metadata.maintainers", "chart.Maintainer"));
  TRY_VOID(for_fields(v, [&](const std::string& key, const Node& value) -> Result<void> {
    if (key == "name") return set_string(value, "Metadata.maintainers.name", m.name);
    if (key == "email") return set_string(value, "Metadata.maintainers.email", m.email);
    if (key == "url") return set_string(value, "Metadata.maintainers.url", m.url);
    return {};
  }));
  return m;
}

Result<Dependency> read_dependency(const Node& v) {
  Dependency d;
  if (!v.is_map())
    return std::unexpected(type_error(v, "Metadata.dependencies", "chart.Dependency"));
  TRY_VOID(for_fields(v, [&](const std::string& key, const Node& value) -> Result<void> {
    if (key == "name") return set_string(value, "Metadata.dependencies.name", d.name);
    if (key == "version") return set_string(value, "Metadata.dependencies.version", d.version);
    if (key == "repository")
      return set_string(value, "Metadata.dependencies.repository", d.repository);
    if (key == "condition")
      return set_string(value, "Metadata.dependencies.condition", d.condition);
    if (key == "alias") return set_string(value, "Metadata.dependencies.alias", d.alias);
    if (key == "tags") return set_strings(value, "Metadata.dependencies.tags", d.tags);
    if (key == "enabled") return set_bool(value, "Metadata.dependencies.enabled", d.enabled);
    if (key == "import-values") {
      if (value.is_null()) return {};
      if (!value.is_list())
        return std::unexpected(
            type_error(value, "Metadata.dependencies.import-values", "[]interface {}"));
      d.import_values = value;
    }
    return {};
  }));
  return d;
}

// Go's unicode.IsSpace / IsPrint, as Helm's sanitizeString uses them.
std::string sanitize(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r' || b == ' ')
        out.push_back(' ');
      else if (b >= 0x20 && b != 0x7F)
        out.push_back(char(b));
      ++i;
      continue;
    }
    size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
    if (i + len > s.size()) len = s.size() - i;
    std::string_view seq = s.substr(i, len);
    char32_t r = 0;
    if (len == 2) r = ((b & 0x1F) << 6) | (static_cast<unsigned char>(seq[1]) & 0x3F);
    if (len == 3)
      r = ((b & 0x0F) << 12) | ((static_cast<unsigned char>(seq[1]) & 0x3F) << 6) |
          (static_cast<unsigned char>(seq[2]) & 0x3F);
    i += len;
    bool space = r == 0x85 || r == 0xA0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200A) ||
                 r == 0x2028 || r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000;
    bool unprintable = (r >= 0x80 && r < 0xA0) || r == 0xAD || (r >= 0x200B && r <= 0x200F) ||
                       (r >= 0x202A && r <= 0x202E) || (r >= 0x2060 && r <= 0x2064) || r == 0xFEFF;
    if (space)
      out.push_back(' ');
    else if (!unprintable)
      out.append(seq);
  }
  return out;
}

}  // namespace

Result<void> read_metadata(std::string_view text, Metadata& md) {
  Node doc = TRY(yaml_to_json(text, YamlNumbers::typed));
  if (doc.is_null()) return {};
  if (!doc.is_map())
    return fail("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ",
                go_json_type(doc), " into Go value of type chart.Metadata");
  return for_fields(doc, [&](const std::string& key, const Node& v) -> Result<void> {
    if (key == "name") return set_string(v, "Metadata.name", md.name);
    if (key == "home") return set_string(v, "Metadata.home", md.home);
    if (key == "sources") return set_strings(v, "Metadata.sources", md.sources);
    if (key == "version") return set_string(v, "Metadata.version", md.version);
    if (key == "description") return set_string(v, "Metadata.description", md.description);
    if (key == "keywords") return set_strings(v, "Metadata.keywords", md.keywords);
    if (key == "icon") return set_string(v, "Metadata.icon", md.icon);
    if (key == "apiversion") return set_string(v, "Metadata.apiVersion", md.api_version);
    if (key == "condition") return set_string(v, "Metadata.condition", md.condition);
    if (key == "tags") return set_string(v, "Metadata.tags", md.tags);
    if (key == "appversion") return set_string(v, "Metadata.appVersion", md.app_version);
    if (key == "deprecated") return set_bool(v, "Metadata.deprecated", md.deprecated);
    if (key == "kubeversion") return set_string(v, "Metadata.kubeVersion", md.kube_version);
    if (key == "type") return set_string(v, "Metadata.type", md.type);
    if (key == "annotations") {
      if (v.is_null()) return {};
      if (!v.is_map())
        return std::unexpected(type_error(v, "Metadata.annotations", "map[string]string"));
      if (!md.annotations.is_map()) md.annotations = Node::map();
      for (const auto& e : v.entries()) {
        std::string s;
        TRY_VOID(set_string(e.value, "Metadata.annotations", s));
        md.annotations.set(e.key.as_string(), Node::string(s));
      }
      return {};
    }
    if (key == "maintainers") {
      md.maintainers.clear();
      if (v.is_null()) return {};
      if (!v.is_list())
        return std::unexpected(type_error(v, "Metadata.maintainers", "[]*chart.Maintainer"));
      for (const Node& item : v.items()) {
        if (item.is_null()) {
          md.null_entries = true;
          continue;
        }
        md.maintainers.push_back(TRY(read_maintainer(item)));
      }
      return {};
    }
    if (key == "dependencies") {
      md.dependencies.clear();
      md.declares_dependencies = !v.is_null();
      if (v.is_null()) return {};
      if (!v.is_list())
        return std::unexpected(type_error(v, "Metadata.dependencies", "[]*chart.Dependency"));
      for (const Node& item : v.items()) {
        if (item.is_null()) {
          md.null_dependencies = true;
          continue;
        }
        md.dependencies.push_back(TRY(read_dependency(item)));
      }
      return {};
    }
    return {};
  });
}

Result<void> validate_metadata(Metadata& md) {
  for (std::string* s : {&md.name, &md.description, &md.home, &md.icon, &md.condition, &md.tags,
                         &md.app_version, &md.kube_version})
    *s = sanitize(*s);
  for (auto& s : md.sources)
    s = sanitize(s);
  for (auto& s : md.keywords)
    s = sanitize(s);

  if (md.api_version.empty()) return fail("validation: chart.metadata.apiVersion is required");
  if (md.name.empty()) return fail("validation: chart.metadata.name is required");
  // filepath.Base(name) == name
  if (md.name.find('/') != std::string::npos || md.name == "." || md.name == "..")
    return fail("validation: chart.metadata.name \"", md.name, "\" is invalid");
  if (md.version.empty()) return fail("validation: chart.metadata.version is required");
  if (!SemVersion::parse(md.version))
    return fail("validation: chart.metadata.version \"", md.version, "\" is invalid");
  if (md.type != "" && md.type != "application" && md.type != "library")
    return fail("validation: chart.metadata.type must be application or library");
  if (md.null_entries) return fail("validation: maintainers must not contain empty or null nodes");
  if (md.null_dependencies)
    return fail("validation: dependencies must not contain empty or null nodes");
  for (auto& m : md.maintainers) {
    m.name = sanitize(m.name);
    m.email = sanitize(m.email);
    m.url = sanitize(m.url);
  }
  // ^[a-zA-Z0-9_-]+$ (a std::regex would be compiled for every chart).
  auto alias_format = [](std::string_view alias) {
    return std::ranges::all_of(alias, [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-';
    });
  };
  std::vector<std::string> seen;
  for (auto& d : md.dependencies) {
    d.name = sanitize(d.name);
    d.version = sanitize(d.version);
    d.repository = sanitize(d.repository);
    d.condition = sanitize(d.condition);
    for (auto& t : d.tags)
      t = sanitize(t);
    if (!d.alias.empty() && !alias_format(d.alias))
      return fail("validation: dependency \"", d.name, "\" has disallowed characters in the alias");
    const std::string& key = d.alias.empty() ? d.name : d.alias;
    for (const auto& s : seen)
      if (s == key)
        return fail("validation: more than one dependency with name or alias \"", key, "\"");
    seen.push_back(key);
  }
  return {};
}

}  // namespace plumb::helm

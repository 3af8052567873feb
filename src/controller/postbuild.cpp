#include "controller/postbuild.hpp"

#include <algorithm>

#include "core/base64.hpp"
#include "core/object_ref.hpp"
#include "core/yaml.hpp"

namespace plumb::controller {
namespace {

constexpr std::string_view k_name_rule = "^[_[:alpha:]][_[:alpha:][:digit:]]*$";

bool valid_name(std::string_view name) {
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (name.empty() || !alpha(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

std::string without_newlines(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c != '\n') out += c;
  }
  return out;
}

bool substitution_disabled(const Node& object) {
  for (const char* where : {"labels", "annotations"}) {
    if (object.string_at({"metadata", where, k_substitute_key}) == "disabled") return true;
  }
  return false;
}

// The variables an object's text refers to with ${name...}, for an error that names them.
std::string referenced(std::string_view text, const render::Variables& vars) {
  std::string names;
  for (const auto& [name, value] : vars) {
    if (text.find("${" + name) == std::string_view::npos) continue;
    names += (names.empty() ? "" : ", ") + ("${" + name + "}");
  }
  return names;
}

}  // namespace

Result<render::Variables> postbuild_variables(const PostBuildSpec& spec, std::string_view ns,
                                              const ObjectLookup& lookup) {
  render::Variables vars;
  for (const SubstituteReference& ref : spec.substitute_from) {
    std::string what = "substitute from '" + ref.kind + "/" + ref.name + "' error: ";
    auto found = lookup(ref.kind, ns, ref.name);
    if (!found) return fail(what, found.error().message());
    if (!*found) {
      if (ref.optional) continue;
      std::string plural = ref.kind == "Secret" ? "secrets" : "configmaps";
      return fail(what, plural, " \"", ref.name, "\" not found");
    }
    bool secret = ref.kind == "Secret";
    if (const Node* data = (*found)->find("data")) {
      for (const MapEntry& e : data->entries()) {
        std::string value(e.value.as_string());
        if (secret) {
          auto decoded = base64_decode(value);
          if (!decoded) return fail(what, "data.", e.key.as_string(), " is not valid base64");
          value = std::move(*decoded);
        }
        vars[std::string(e.key.as_string())] = without_newlines(value);
      }
    }
  }
  for (const MapEntry& e : spec.substitute.entries()) {
    const Node& v = e.value;
    std::string value = v.is_string() ? std::string(v.as_string()) : to_yaml(v);
    if (!v.is_string() && value.ends_with('\n')) value.pop_back();
    vars[std::string(e.key.as_string())] = without_newlines(value);
  }
  return vars;
}

Result<std::vector<Node>> substitute_objects(std::vector<Node> objects,
                                             const render::Variables& vars, bool always,
                                             render::Unset unset) {
  if (vars.empty() && !always) return objects;
  // A bad name fails every object that is substituted (as Flux), none when all opt out.
  auto bad_name =
      std::find_if(vars.begin(), vars.end(), [](const auto& v) { return !valid_name(v.first); });
  for (Node& object : objects) {
    if (substitution_disabled(object)) continue;
    if (bad_name != vars.end())
      return fail("envsubst error: '", bad_name->first, "' var name is invalid, must match '",
                  k_name_rule, "'");
    std::string name = ObjectRef::of(object).display();
    std::string text = to_yaml(object);
    auto substituted = render::envsubst(text, vars, unset);
    if (!substituted) {
      return fail("envsubst error: variable substitution failed: ", substituted.error().message(),
                  " (in ", name, ")");
    }
    if (*substituted == text) continue;
    // Read back as Flux does (YAML to JSON with sigs.k8s.io/yaml). The parse error is left
    // out: it may quote a value, and values can come from Secrets.
    auto parsed = parse_yaml(*substituted, name, DuplicateKeys::error, PlainScalars::go_yaml_v2);
    if (!parsed || !parsed->is_map()) {
      std::string vars_used = referenced(text, vars);
      return fail("envsubst error: ", name, " is not a valid object after substituting ",
                  vars_used.empty() ? std::string("its variables") : vars_used,
                  ": a value breaks its YAML");
    }
    object = std::move(*parsed);
  }
  return objects;
}

}  // namespace plumb::controller

// Helm's Engine.Render (see render.hpp).
#include "helm/render.hpp"

#include <algorithm>
#include <vector>

#include "core/strings.hpp"
#include "gotemplate/template.hpp"
#include "helm/functions.hpp"
#include "helm/objects.hpp"

namespace plumb::helm {
namespace {

using gotemplate::TemplateSet;
using gotemplate::Value;

constexpr std::string_view k_values_type = "common.Values";

struct Renderable {
  std::string_view text;  // the chart's, which outlives the render
  Value vals;             // the chart's scope map, shared by its templates
  std::string base_path;
};

using Renderables = std::map<std::string, Renderable>;

// A subchart's values: the table under its name in the parent's values (an empty map when
// absent or not a table, as values.Table fails).
Value sub_values(const Value& parent_values, const std::string& name) {
  if (const gotemplate::ValueMap* map = parent_values.map_ptr()) {
    if (const Value* found = map->find(name); found != nullptr && found->is_map())
      return found->unboxed().named(k_values_type);
  }
  return Value::map().named(k_values_type);
}

Value all_templates(const Chart& chart, const std::string& full_path, const Value& parent,
                    Renderables& out) {
  const gotemplate::ValueMap& parent_map = *parent.map_ptr();
  Value next = Value::map();
  gotemplate::ValueMap& scope = *next.map_ptr();
  Value subcharts = Value::map();
  scope.set("Chart", Value::from_node(chart_node(chart)));
  scope.set("Files", files_object(chart.files));
  scope.set("Release", *parent_map.find("Release"));
  scope.set("Capabilities", *parent_map.find("Capabilities"));
  scope.set("Values", chart.is_root ? *parent_map.find("Values")
                                    : sub_values(*parent_map.find("Values"), chart.name()));
  scope.set("Subcharts", subcharts);
  for (const Chart& child : chart.dependencies) {
    Value child_scope = all_templates(child, full_path + "/charts/" + child.name(), next, out);
    subcharts.map_ptr()->set(child.name(), child_scope);
  }
  bool library = chart.metadata.type == "library";
  for (const ChartFile& t : chart.templates) {
    std::string_view base = t.name;
    if (size_t slash = base.rfind('/'); slash != std::string_view::npos)
      base.remove_prefix(slash + 1);
    if (library && !base.starts_with("_")) continue;
    out[full_path + "/" + t.name] = Renderable{t.data, next, full_path + "/templates"};
  }
  return next;
}

// Helm's sortTemplates: more path segments first, then reverse byte order.
std::vector<std::string> parse_order(const Renderables& tpls) {
  std::vector<std::string> keys;
  for (const auto& [name, r] : tpls)
    keys.push_back(name);
  std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    auto ca = std::count(a.begin(), a.end(), '/');
    auto cb = std::count(b.begin(), b.end(), '/');
    if (ca != cb) return ca > cb;
    return a > b;
  });
  return keys;
}

// cleanupParseError: "template: NAME:LINE: MSG" -> "parse error at (NAME:LINE): MSG".
Error parse_error(const std::string& filename, const Error& error) {
  const std::string& text = error.message();
  size_t first = text.find(": ");
  if (first == std::string::npos) return Error("parse error in (" + filename + "): " + text);
  size_t second = text.find(": ", first + 2);
  std::string location =
      text.substr(first + 2, second == std::string::npos ? std::string::npos : second - first - 2);
  size_t last = text.rfind(": ");
  return Error("parse error at (" + location + "): " + text.substr(last + 2));
}

// One link of an error chain as helm v4's parseTemplateExecErrorString reads it.
struct Traceable {
  std::string location, message, executed;
  bool operator==(const Traceable&) const = default;
};

// Reads a text/template error ("template: LOC: executing \"NAME\" at <CTX>: MSG", "template:
// no template ...", "template: NAME: MSG") into `out`; returns false when `s` is none of them.
// `next` is what errors.Unwrap reaches from it: the error a function call returned, which
// text/template wraps (%w) as "error calling FN: ERR"; empty at the end of the chain.
bool parse_traceable(std::string_view s, Traceable& out, std::string_view& next) {
  constexpr std::string_view k_prefix = "template: ";
  next = {};
  if (!s.starts_with(k_prefix)) return false;
  std::string_view rest = s.substr(k_prefix.size());
  if (rest.starts_with("no template ")) {
    out = Traceable{"", std::string(s), ""};
    return true;
  }
  auto cut_chained = [](std::string_view msg) {
    size_t cut = msg.find(" template:");
    return cut == std::string_view::npos ? msg : msg.substr(0, cut);
  };
  constexpr std::string_view k_executing = ": executing ";
  if (size_t idx = rest.find(k_executing); idx != std::string_view::npos) {
    std::string_view location = rest.substr(0, idx);
    std::string_view after = rest.substr(idx + k_executing.size());
    size_t end_quote =
        after.empty() || after[0] != '"' ? std::string_view::npos : after.find('"', 1);
    constexpr std::string_view k_at = " at <";
    if (end_quote != std::string_view::npos && after.substr(end_quote + 1).starts_with(k_at)) {
      std::string_view function = after.substr(1, end_quote - 1);
      std::string_view after_at = after.substr(end_quote + 1 + k_at.size());
      size_t end_loc = after_at.find(">: ");
      if (end_loc == std::string_view::npos) return false;
      std::string_view message = after_at.substr(end_loc + 3);
      constexpr std::string_view k_calling = "error calling ";
      if (message.starts_with(k_calling)) {
        size_t colon = message.find(": ", k_calling.size());
        if (colon != std::string_view::npos) next = message.substr(colon + 2);
      }
      out = Traceable{std::string(location), std::string(cut_chained(message)),
                      "executing \"" + std::string(function) + "\" at <" +
                          std::string(after_at.substr(0, end_loc)) + ">:"};
      return true;
    }
    return false;
  }
  size_t sep = rest.rfind(": ");
  if (sep == std::string_view::npos) return false;
  out = Traceable{std::string(rest.substr(0, sep)), std::string(cut_chained(rest.substr(sep + 2))),
                  ""};
  return true;
}

// reformatExecErrorMsg: Helm's own errors (required, fail) keep only their message; a chain of
// text/template errors (nested includes) is printed one link per block:
//   chart/templates/x.yaml:3:4
//     executing "chart/templates/x.yaml" at <include "y" .>:
//       error calling include:
//   chart/templates/_y.tpl:2:10 ...
// A chain ending in an error of another kind (a function's own, tpl's) stays as text/template
// words it.
Error exec_error(const std::string& filename, const Error& error) {
  const std::string& text = error.message();
  size_t first = text.find(": ");
  size_t second = first == std::string::npos ? first : text.find(": ", first + 2);
  if (second == std::string::npos) return Error("execution error in (" + filename + "): " + text);
  std::string location = text.substr(first + 2, second - first - 2);
  size_t start = text.find(k_err_start, second);
  if (start != std::string::npos) {
    start += k_err_start.size();
    size_t end = text.rfind(k_err_end);
    if (end != std::string::npos && end >= start)
      return Error("execution error at (" + location + "): " + text.substr(start, end - start));
  }
  std::vector<Traceable> links;
  std::string_view current = text;
  while (!current.empty()) {
    Traceable link;
    if (!parse_traceable(current, link, current)) return error;
    if (links.empty() || !(links.back() == link)) links.push_back(std::move(link));
  }
  std::string out;
  for (const Traceable& link : links) {
    if (!link.location.empty()) out += link.location + "\n  ";
    if (!link.executed.empty()) out += link.executed + "\n    ";
    if (!link.message.empty()) out += link.message + "\n";
  }
  return Error(std::string(trim(out)));
}

}  // namespace

Result<std::map<std::string, std::string>> render_chart(const Chart& chart, const Node& values,
                                                        const ReleaseOptions& release,
                                                        const Capabilities& caps) {
  Value top = Value::map();
  top.map_ptr()->set("Release", Value::from_node(release_node(release)));
  top.map_ptr()->set("Capabilities", capabilities_object(caps));
  top.map_ptr()->set("Values", Value::from_node(values).named(k_values_type));
  Renderables tpls;
  all_templates(chart, chart.name(), top, tpls);

  static const auto k_funcs = std::make_shared<const gotemplate::FuncMap>(helm_function_map());
  TemplateSet set("gotpl", k_funcs);
  std::vector<std::string> order = parse_order(tpls);
  for (const std::string& name : order) {
    if (auto parsed = set.parse(name, std::string(tpls[name].text)); !parsed)
      return std::unexpected(parse_error(name, parsed.error()));
  }

  gotemplate::ExecOptions options;
  options.missing_key = gotemplate::MissingKey::zero;
  std::map<std::string, std::string> rendered;
  for (const std::string& name : order) {
    std::string_view base = name;
    base.remove_prefix(base.rfind('/') + 1);
    if (base.starts_with("_")) continue;
    Renderable& r = tpls[name];
    Value template_info = Value::map();
    template_info.map_ptr()->set("Name", Value::string(name));
    template_info.map_ptr()->set("BasePath", Value::string(r.base_path));
    r.vals.map_ptr()->set("Template", template_info.named(k_values_type));
    std::string out;
    if (auto done = set.execute(out, name, r.vals, options); !done)
      return std::unexpected(exec_error(name, done.error()));
    rendered.emplace(name, remove_no_value(std::move(out)));
  }
  return rendered;
}

}  // namespace plumb::helm

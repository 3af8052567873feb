// Helm's Engine.Render (see render.hpp).
#include "helm/render.hpp"

#include <algorithm>

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

// reformatExecErrorMsg: Helm's own errors (required, fail) keep only their message.
Error exec_error(const std::string& filename, const Error& error) {
  const std::string& text = error.message();
  size_t first = text.find(": ");
  size_t second = first == std::string::npos ? first : text.find(": ", first + 2);
  if (second == std::string::npos) return Error("execution error in (" + filename + "): " + text);
  std::string location = text.substr(first + 2, second - first - 2);
  size_t start = text.find(k_err_start, second);
  if (start != std::string::npos) {
    start += k_err_start.size();
    size_t end = text.find(k_err_end, start);
    if (end != std::string::npos)
      return Error("execution error at (" + location + "): " + text.substr(start, end - start));
  }
  return error;
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

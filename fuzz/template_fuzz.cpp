// libFuzzer target: one Go template (gotemplate/template.hpp) parsed into a set with sprig's
// and Helm's functions and executed over a small values tree, as a chart's template is. The
// input is the template text. Errors are fine; a crash, a leak, undefined behaviour, a timeout
// or running out of memory (deep nesting, a recursive define, a huge repeat) is a bug.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/yaml.hpp"
#include "gotemplate/template.hpp"
#include "helm/functions.hpp"

namespace {

const plumb::gotemplate::Value& dot() {
  static const plumb::gotemplate::Value value = [] {
    plumb::Node values = plumb::parse_yaml(
                             "Values:\n  name: web\n  replicas: 3\n  list: [a, b, 1.5]\n"
                             "  map: {x: 1, y: {z: true}}\n  empty: ''\n  none: null\n"
                             "Release: {Name: r, Namespace: default}\n",
                             "values")
                             .value();
    return plumb::gotemplate::Value::from_node(values,
                                               plumb::gotemplate::Value::Numbers::as_float64);
  }();
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plumb;
  static const auto funcs = std::make_shared<const gotemplate::FuncMap>(helm::helm_function_map());
  gotemplate::TemplateSet set("t", funcs);
  std::string text(reinterpret_cast<const char*>(data), size);
  if (!set.parse("t", std::move(text))) return 0;
  gotemplate::ExecOptions options;
  options.missing_key = gotemplate::MissingKey::zero;
  std::string out;
  auto done = set.execute(out, "t", dot(), options);
  (void)done;
  return 0;
}

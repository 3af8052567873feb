#include "localcluster/tables.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"
#include "core/time.hpp"

namespace plumb::localcluster {
namespace {

// A custom resource served with Flux's Kustomization columns.
ResourceInfo kustomizations() {
  ResourceInfo r;
  r.group = "kustomize.toolkit.fluxcd.io";
  r.version = "v1";
  r.kind = "Kustomization";
  r.plural = "kustomizations";
  r.crd = "kustomizations.kustomize.toolkit.fluxcd.io";
  r.namespaced = true;
  r.printer_columns = {
      {"Age", "date", ".metadata.creationTimestamp", 0},
      {"Ready", "string", R"(.status.conditions[?(@.type=="Ready")].status)", 0},
      {"Status", "string", R"(.status.conditions[?(@.type=="Ready")].message)", 0},
      {"Paths", "string", ".spec.paths[1]", 1},
  };
  return r;
}

Node table_of(const ResourceInfo& r, std::string_view object_json) {
  net::HttpRequest request;
  return to_table(r, {parse_json(object_json).value()}, 7, "", request);
}

TEST(Tables, CustomResourceColumnsFollowTheCrdWithFilterExpressions) {
  std::string created = format_rfc3339(std::chrono::system_clock::now() - std::chrono::hours(3));
  Node table = table_of(kustomizations(),
                        R"({"metadata": {"name": "apps", "creationTimestamp": ")" + created + R"("},
    "spec": {"paths": ["a", "b"]},
    "status": {"conditions": [
      {"type": "Reconciling", "status": "True", "message": "in progress"},
      {"type": "Ready", "status": "False", "message": "apply failed"}]}})");
  std::vector<std::string> names;
  std::vector<std::string> types;
  for (const Node& d : table.find("columnDefinitions")->items()) {
    names.emplace_back(d.string_at({"name"}));
    types.emplace_back(d.string_at({"type"}));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Name", "Age", "Ready", "Status", "Paths"}));
  EXPECT_EQ(types, (std::vector<std::string>{"string", "date", "string", "string", "string"}));
  const Node& cells = *table.find("rows")->items()[0].find("cells");
  EXPECT_EQ(to_json(cells), R"(["apps","3h","False","apply failed","b"])");
}

TEST(Tables, AbsentValuesAreEmptyCells) {
  Node table = table_of(kustomizations(), R"({"metadata": {"name": "new"},
    "status": {"conditions": [{"type": "Reconciling", "status": "True"}]}})");
  const Node& cells = *table.find("rows")->items()[0].find("cells");
  EXPECT_EQ(to_json(cells), R"(["new",null,null,null,null])");
}

TEST(Tables, CustomResourceWithoutColumnsGetsAge) {
  ResourceInfo r = kustomizations();
  r.printer_columns.clear();
  Node table = table_of(r, R"({"metadata": {"name": "x"}})");
  EXPECT_EQ(table.find("columnDefinitions")->size(), 2u);
  EXPECT_EQ(table.find("columnDefinitions")->items()[1].string_at({"name"}), "Age");
}

}  // namespace
}  // namespace plumb::localcluster

// plumb get -o: objects as kubectl prints them, and the wide column.
#include <gtest/gtest.h>

#include "cli/get_output.hpp"
#include "core/yaml.hpp"

namespace plumb::cli::flux {
namespace {

Node yaml(std::string_view text) {
  return parse_yaml(text, "test.yaml").value();
}

const Node k_ks = yaml(
    "kind: Kustomization\napiVersion: kustomize.toolkit.fluxcd.io/v1\n"
    "metadata:\n  name: apps\n  namespace: flux-system\n"
    "  managedFields: [{manager: plumb}]\n"
    "spec: {sourceRef: {kind: GitRepository, name: repo}, path: ./apps}\n");

TEST(GetOutput, ChoicesAndErrors) {
  EXPECT_EQ(parse_get_output("").value(), GetOutput::table);
  EXPECT_EQ(parse_get_output("name").value(), GetOutput::name);
  auto bad = parse_get_output("xml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "--output: \"xml\" is not one of json, yaml, wide, name");
}

TEST(GetOutput, OneObjectAsKubectlPrintsItWithoutManagedFields) {
  EXPECT_EQ(format_object(k_ks, GetOutput::yaml),
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n"
            "  name: apps\n  namespace: flux-system\nspec:\n  path: ./apps\n  sourceRef:\n"
            "    kind: GitRepository\n    name: repo\n");
  EXPECT_EQ(format_object(k_ks, GetOutput::name),
            "kustomization.kustomize.toolkit.fluxcd.io/apps\n");
}

TEST(GetOutput, SeveralObjectsAreAList) {
  Node two[] = {k_ks, k_ks};
  std::string json = format_objects(two, GetOutput::json);
  EXPECT_TRUE(json.starts_with("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n"))
      << json;
  EXPECT_TRUE(
      json.ends_with("    \"kind\": \"List\",\n    \"metadata\": {\n"
                     "        \"resourceVersion\": \"\"\n    }\n}\n"))
      << json;
  EXPECT_EQ(json.find("managedFields"), std::string::npos);
  EXPECT_EQ(format_objects({}, GetOutput::yaml),
            "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n");
  EXPECT_EQ(format_objects(two, GetOutput::name),
            "kustomization.kustomize.toolkit.fluxcd.io/apps\n"
            "kustomization.kustomize.toolkit.fluxcd.io/apps\n");
}

TEST(GetOutput, WideSourceColumn) {
  EXPECT_EQ(source_column(k_ks), "GitRepository/repo");
  EXPECT_EQ(source_column(yaml("spec: {url: 'https://example.com/r'}")), "https://example.com/r");
  EXPECT_EQ(source_column(yaml("spec: {chart: {spec: {chart: podinfo, version: 6.5.0}}}")),
            "podinfo@6.5.0");
}

}  // namespace
}  // namespace plumb::cli::flux

// The embedded API server rejects what a real one rejects: a table of invalid objects, each
// with the status code, reason and message a Kubernetes 1.32 API server answers (the wording
// of Kubernetes' decoders and validation, as published in its code and issue reports).
// Every case is written the way a client sends it: a create or update body, a JSON, merge or
// strategic merge patch, or a server-side apply.
#include <gtest/gtest.h>

#include <set>

#include "core/json.hpp"
#include "core/yaml.hpp"
#include "localcluster/api_fixture.hpp"
#include "localcluster/reject_cases.hpp"
#include "localcluster/reject_crd_cases.hpp"

namespace plumb::localcluster {
namespace {

class Rejects : public ::testing::TestWithParam<RejectCase>, protected ApiFixture {
 protected:
  ResourcePtr resource_of(const Node& object) {
    std::string_view api_version = object.string_at({"apiVersion"});
    size_t slash = api_version.find('/');
    std::string_view group = slash == std::string_view::npos ? "" : api_version.substr(0, slash);
    std::string_view version =
        slash == std::string_view::npos ? api_version : api_version.substr(slash + 1);
    return m_registry.find_kind(group, version, object.string_at({"kind"}));
  }

  ApiResult<Node> send(const RejectCase& c) {
    if (!c.setup.empty()) {
      Node setup = parse_yaml(c.setup, "setup").value();
      auto created = m_api->create(*resource_of(setup), "", setup, {});
      EXPECT_TRUE(created) << "setup: " << created.error().message;
    }
    Node object = parse_yaml(c.object, "case").value();
    ResourcePtr resource = resource_of(object);
    EXPECT_TRUE(resource) << "no resource for " << c.object;
    if (!resource) return api_fail(0, "", "");
    std::string ns = resource->namespaced ? "default" : "";
    std::string name(object.string_at({"metadata", "name"}));
    WriteOptions options;
    options.field_manager = "kubectl";
    options.field_validation = "Strict";
    options.dry_run = c.dry_run;
    if (c.way != Way::create) {
      Node base = parse_yaml(c.base.empty() ? c.object : c.base, "base").value();
      auto created = m_api->create(*resource, ns, base, {});
      EXPECT_TRUE(created) << "base: " << created.error().message;
    }
    switch (c.way) {
      case Way::create:
        return m_api->create(*resource, ns, object, options);
      case Way::update:
        return m_api->update(*resource, ns, name, object, options);
      case Way::apply:
        return m_api->patch(*resource, ns, name, "application/apply-patch+yaml", to_json(object),
                            options);
      case Way::json_patch:
      case Way::merge_patch:
      case Way::strategic_patch: {
        std::string_view type = c.way == Way::json_patch ? "application/json-patch+json"
                                : c.way == Way::merge_patch
                                    ? "application/merge-patch+json"
                                    : "application/strategic-merge-patch+json";
        Node patch = parse_yaml(c.patch, "patch").value();
        return m_api->patch(*resource, ns, name, type, to_json(patch), options);
      }
    }
    return api_fail(0, "", "");
  }
};

TEST_P(Rejects, AsARealApiServerDoes) {
  const RejectCase& c = GetParam();
  auto result = send(c);
  ASSERT_FALSE(result) << c.name << ": accepted";
  const ApiError& error = result.error();
  EXPECT_EQ(error.code, c.code) << c.name;
  EXPECT_EQ(error.reason, c.reason) << c.name;
  if (c.match == Match::exact) {
    EXPECT_EQ(error.message, c.message) << c.name;
  } else {
    EXPECT_TRUE(error.message.ends_with(c.message))
        << c.name << "\n  got:  " << error.message << "\n  want: ..." << c.message;
  }
  if (!c.field.empty()) {
    ASSERT_FALSE(error.causes.empty()) << c.name;
    EXPECT_EQ(error.causes[0].field, c.field) << c.name;
  }
}

std::string case_name(const ::testing::TestParamInfo<RejectCase>& info) {
  return std::string(info.param.name);
}

INSTANTIATE_TEST_SUITE_P(Decoding, Rejects, ::testing::ValuesIn(k_decode_cases), case_name);
INSTANTIATE_TEST_SUITE_P(Validation, Rejects, ::testing::ValuesIn(k_validation_cases), case_name);
INSTANTIATE_TEST_SUITE_P(CustomResources, Rejects, ::testing::ValuesIn(k_crd_cases), case_name);

TEST(RejectCases, CoverFortyObjectsOfFifteenKinds) {
  std::set<std::string> kinds;
  size_t count = 0;
  for (const auto* table : {&k_decode_cases, &k_validation_cases, &k_crd_cases}) {
    for (const RejectCase& c : *table) {
      ++count;
      kinds.insert(std::string(parse_yaml(c.object, "case").value().string_at({"kind"})));
    }
  }
  EXPECT_GE(count, 40u);
  EXPECT_GE(kinds.size(), 15u);
}

}  // namespace
}  // namespace plumb::localcluster

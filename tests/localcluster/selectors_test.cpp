#include "localcluster/selectors.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"

namespace plumb::localcluster {
namespace {

struct LabelCase {
  const char* selector;
  const char* labels;
  bool matches;
};

TEST(LabelSelector, MatchesTheKubernetesOperators) {
  const LabelCase cases[] = {
      {"", "{}", true},
      {"app=web", R"({"app":"web"})", true},
      {"app==web", R"({"app":"web"})", true},
      {"app=web", R"({"app":"db"})", false},
      {"app!=web", R"({"app":"db"})", true},
      {"app!=web", "{}", true},
      {"app in (web, db)", R"({"app":"db"})", true},
      {"app in (web,db)", R"({"app":"api"})", false},
      {"app notin (web)", "{}", true},
      {"app notin (web)", R"({"app":"web"})", false},
      {"app", R"({"app":""})", true},
      {"app", "{}", false},
      {"!app", "{}", true},
      {"app=web,tier", R"({"app":"web"})", false},
      {"app=web, tier in (a,b)", R"({"app":"web","tier":"b"})", true},
  };
  for (const LabelCase& c : cases) {
    auto selector = LabelSelector::parse(c.selector);
    ASSERT_TRUE(selector) << c.selector;
    EXPECT_EQ(selector->matches(parse_json(c.labels).value()), c.matches)
        << c.selector << " on " << c.labels;
  }
}

TEST(LabelSelector, RejectsMalformedSets) {
  EXPECT_FALSE(LabelSelector::parse("app in web"));
  EXPECT_FALSE(LabelSelector::parse("app within (x)"));
}

TEST(FieldSelector, ComparesDottedPaths) {
  Node pod = parse_json(R"({"metadata":{"name":"p","namespace":"n"},"status":{"phase":"Running"}})")
                 .value();
  EXPECT_TRUE(FieldSelector::parse("metadata.name=p")->matches(pod));
  EXPECT_FALSE(FieldSelector::parse("metadata.name=q")->matches(pod));
  EXPECT_TRUE(FieldSelector::parse("status.phase!=Pending,metadata.namespace=n")->matches(pod));
  EXPECT_TRUE(FieldSelector::parse("spec.nodeName=")->matches(pod));
  EXPECT_FALSE(FieldSelector::parse("nonsense"));
}

TEST(SelectorObject, MatchLabelsAndExpressions) {
  Node selector =
      parse_json(
          R"({"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["a"]}]})")
          .value();
  EXPECT_TRUE(selector_object_matches(selector, parse_json(R"({"app":"web","tier":"a"})").value()));
  EXPECT_FALSE(selector_object_matches(selector, parse_json(R"({"app":"web"})").value()));
}

}  // namespace
}  // namespace plumb::localcluster

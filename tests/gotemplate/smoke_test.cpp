#include <gtest/gtest.h>

#include "core/json.hpp"
#include "gotemplate/template.hpp"

using namespace plumb;
using namespace plumb::gotemplate;

TEST(Smoke, Renders) {
  TemplateSet set("root");
  ASSERT_TRUE(set.parse(
      "t",
      "a {{ .x }} {{ range $i, $v := .l }}[{{$i}}={{$v}}]{{end}} {{ printf \"%05.1f\" 3.14159 }}"));
  auto data = parse_json(R"({"x": 1.5, "l": ["a", 2]})");
  ASSERT_TRUE(data);
  auto out = set.execute("t", Value::from_node(*data));
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(*out, "a 1.5 [0=a][1=2] 003.1");
}

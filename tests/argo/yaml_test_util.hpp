// Test helper shared by the argo tests: a YAML document read as a Node, failing the test when it
// does not parse.
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "core/node.hpp"
#include "core/yaml.hpp"

namespace plumb::argo {

inline Node yaml(std::string_view text) {
  Result<Node> node = parse_yaml(text, "test");
  EXPECT_TRUE(node) << node.error().message();
  return node ? *node : Node();
}

}  // namespace plumb::argo

// The sprig FuncMap: every name sprig v3 gives Helm v4.1.4 charts (env and expandenv left
// out), each group's behaviour in its own test file.
#include "sprig/sprig.hpp"

#include <gtest/gtest.h>

namespace plumb::sprig {
namespace {

TEST(Sprig, LeavesOutWhatHelmRemoves) {
  gotemplate::FuncMap funcs = functions();
  gotemplate::TemplateSet set("t", std::make_shared<const gotemplate::FuncMap>(std::move(funcs)));
  EXPECT_FALSE(set.has_function("env"));
  EXPECT_FALSE(set.has_function("expandenv"));
}

}  // namespace
}  // namespace plumb::sprig

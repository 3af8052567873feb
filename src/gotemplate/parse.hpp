// The parser of Go templates (text/template/parse/parse.go), private to gotemplate/: one
// text becomes the trees it defines — the top-level template and every {{define}} and
// {{block}} — or an error worded as Go words it ("template: NAME:LINE: unexpected ...").
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "gotemplate/ast.hpp"

namespace plumb::gotemplate {

struct ParseOptions {
  // Whether a function of that name exists (builtins included); null skips the check
  // (Go's SkipFuncCheck).
  std::function<bool(std::string_view)> has_function;
  std::string_view left_delim = "{{";
  std::string_view right_delim = "}}";
  bool keep_comments = false;  // Go's ParseComments mode
};

// The trees of `text`, in the order Go adds them (defines as they end, the top-level tree
// last). Within one text a name defined twice with non-empty bodies is an error.
Result<std::vector<std::shared_ptr<Tree>>> parse_trees(std::string_view name, std::string text,
                                                       const ParseOptions& options);

}  // namespace plumb::gotemplate

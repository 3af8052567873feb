// libFuzzer target: Flux's postBuild expansion (render/envsubst.hpp) of arbitrary text, in
// strict and lenient mode, with a few variables set (one empty, one holding `${...}` itself).
// Errors are fine; a crash, a leak, undefined behaviour, or any of these is a bug: text with
// no `$` changes; a lenient expansion fails where the strict one succeeds; the strict result
// differs from the lenient one when both succeed (they differ only for unset variables,
// which strict mode refuses).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "render/envsubst.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plumb::render;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const Variables vars{{"a", "alpha"}, {"empty", ""}, {"nested", "${a}"}, {"n", "3"}};
  auto lenient = envsubst(text, vars, Unset::empty);
  auto strict = envsubst(text, vars, Unset::error);
  if (text.find('$') == std::string_view::npos && (!lenient || *lenient != text)) std::abort();
  if (strict && !lenient) std::abort();
  if (strict && lenient && *strict != *lenient) std::abort();
  return 0;
}

#include "core/lazy_library.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace {

// zlib stands in for libgit2 and libcurl: a library everyone has, declared by its header,
// not linked into this test.
plumb::LazyLibrary& zlib_library() {
  static plumb::LazyLibrary library({"libplumb-not-there.so.9", "libz.so.1"}, "the test");
  return library;
}

#define zlibVersion PLUMB_LAZY_FUNCTION(zlib_library(), zlibVersion)
#define crc32 PLUMB_LAZY_FUNCTION(zlib_library(), crc32)

TEST(LazyLibrary, LoadsTheFirstNameThatExistsAndCallsThroughTheHeadersDeclaration) {
  EXPECT_EQ(std::string(zlibVersion()), ZLIB_VERSION);
  const char* text = "abc";
  EXPECT_EQ(crc32(0, reinterpret_cast<const Bytef*>(text), 3), 0x352441c2u);
  EXPECT_EQ(crc32(0, reinterpret_cast<const Bytef*>(text), 3), 0x352441c2u);  // resolved once
}

TEST(LazyLibraryDeathTest, AMissingLibraryAbortsNamingWhatNeedsItAndWhy) {
  EXPECT_DEATH(
      {
        plumb::LazyLibrary library({"libplumb-missing.so.1"}, "the missing part");
        library.symbol("f");
      },
      "cannot load the library the missing part needs:\n.*libplumb-missing.so.1");
}

TEST(LazyLibraryDeathTest, AMissingFunctionAbortsNamingIt) {
  EXPECT_DEATH(zlib_library().symbol("plumb_no_such_function"), "lacks plumb_no_such_function");
}

}  // namespace

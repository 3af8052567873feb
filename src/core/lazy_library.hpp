// A shared library loaded on first use. Plumb links libgit2 and libcurl this way: each drags
// in a dozen further libraries (TLS stacks, Kerberos, LDAP, SSH…) whose loading and relocation
// cost every process ~10 ms of CPU at start, while most commands (`plumb template`, `build`,
// `diff` of a local path) never call them.
//
// A module that uses a library this way includes the library's header, then a header of its own
// that, for each function it calls, defines the function's name as a macro:
//
//   #define git_blob_free PLUMB_LAZY_FUNCTION(git2_library(), git_blob_free)
//
// Calls, and uses of the name as a function pointer, then go through a pointer resolved once per
// use site; the declaration from the library's header gives the pointer its exact type. (Inside
// the macro's own expansion the name is not expanded again, so it names the real declaration.)
//
// A library or function that cannot be loaded is a fatal installation error: the process prints
// what is missing and why, and aborts — there is no way to carry on without the code.
//
// Thread safety: load and resolution may happen from several threads at once.
#pragma once

#include <mutex>
#include <string>
#include <vector>

namespace plumb {

class LazyLibrary {
 public:
  // `sonames`: the names to dlopen, first that loads wins; `purpose`: what needs it, for the
  // error message ("git sources").
  LazyLibrary(std::vector<std::string> sonames, std::string purpose);
  LazyLibrary(const LazyLibrary&) = delete;
  LazyLibrary& operator=(const LazyLibrary&) = delete;

  // The address of `name`, loading the library first if needed; aborts when either is missing.
  void* symbol(const char* name);

 private:
  void* handle();

  std::vector<std::string> m_sonames;
  std::string m_purpose;
  std::once_flag m_once;
  void* m_handle = nullptr;
};

}  // namespace plumb

#define PLUMB_LAZY_FUNCTION(library, fn)                                                 \
  ([]() {                                                                                \
    static const auto resolved = reinterpret_cast<decltype(&fn)>((library).symbol(#fn)); \
    return resolved;                                                                     \
  }())

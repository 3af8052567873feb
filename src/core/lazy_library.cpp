#include "core/lazy_library.hpp"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace plumb {

LazyLibrary::LazyLibrary(std::vector<std::string> sonames, std::string purpose)
    : m_sonames(std::move(sonames)), m_purpose(std::move(purpose)) {}

void* LazyLibrary::handle() {
  std::call_once(m_once, [this] {
    std::string errors;
    for (const std::string& soname : m_sonames) {
      m_handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (m_handle) return;
      const char* why = dlerror();
      errors += "\n  " + (why ? std::string(why) : soname + ": not found");
    }
    std::fprintf(stderr, "plumb: cannot load the library %s needs:%s\n", m_purpose.c_str(),
                 errors.c_str());
    std::abort();
  });
  return m_handle;
}

void* LazyLibrary::symbol(const char* name) {
  void* library = handle();
  dlerror();
  void* address = dlsym(library, name);
  if (!address) {
    const char* why = dlerror();
    std::fprintf(stderr, "plumb: the library %s needs (%s) lacks %s: %s\n", m_purpose.c_str(),
                 m_sonames.front().c_str(), name, why ? why : "not found");
    std::abort();
  }
  return address;
}

}  // namespace plumb

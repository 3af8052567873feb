// libcurl, loaded on first use (core/lazy_library.hpp says why), for the modules that speak
// HTTP as a client: net's HttpClient and kube's transport. Include this instead of <curl/curl.h>:
// the functions below then go through one LazyLibrary, so libcurl is opened once per process.
// curl.h's argument-checking macros for curl_easy_setopt/getinfo give way to the lazy names.
//
// Thread safety: as libcurl's; curl_global_init_once may be called from any thread.
#pragma once

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#undef curl_easy_setopt
#undef curl_easy_getinfo

#include <memory>
#include <string>

#include "core/lazy_library.hpp"

namespace plumb::net {

LazyLibrary& curl_library();
// curl_global_init, once per process, before the first handle.
void curl_global_init_once();

// The request's method and body (not copied: `body` must outlive the transfer); HEAD asks
// for no body, POST/PUT/PATCH always send one (empty included).
void curl_set_method(CURL* curl, const std::string& method, const std::string& body);

struct CurlSlistDeleter {
  void operator()(curl_slist* list) const;
};
using CurlHeaders = std::unique_ptr<curl_slist, CurlSlistDeleter>;

struct CurlEasyDeleter {
  void operator()(CURL* handle) const;
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

}  // namespace plumb::net

#define PLUMB_CURL(fn) PLUMB_LAZY_FUNCTION(::plumb::net::curl_library(), fn)
#define curl_easy_cleanup PLUMB_CURL(curl_easy_cleanup)
#define curl_easy_getinfo PLUMB_CURL(curl_easy_getinfo)
#define curl_easy_init PLUMB_CURL(curl_easy_init)
#define curl_easy_perform PLUMB_CURL(curl_easy_perform)
#define curl_easy_reset PLUMB_CURL(curl_easy_reset)
#define curl_easy_setopt PLUMB_CURL(curl_easy_setopt)
#define curl_easy_strerror PLUMB_CURL(curl_easy_strerror)
#define curl_global_init PLUMB_CURL(curl_global_init)
#define curl_slist_append PLUMB_CURL(curl_slist_append)
#define curl_slist_free_all PLUMB_CURL(curl_slist_free_all)

#include "net/curl.hpp"

#include <mutex>

namespace plumb::net {

LazyLibrary& curl_library() {
  static LazyLibrary library({"libcurl.so.4"}, "HTTP clients (libcurl)");
  return library;
}

void curl_global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void curl_set_method(CURL* curl, const std::string& method, const std::string& body) {
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
  }
}

void CurlSlistDeleter::operator()(curl_slist* list) const {
  curl_slist_free_all(list);
}

void CurlEasyDeleter::operator()(CURL* handle) const {
  curl_easy_cleanup(handle);
}

}  // namespace plumb::net

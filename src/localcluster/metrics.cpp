#include "localcluster/metrics.hpp"

namespace plumb::localcluster {
namespace {

constexpr std::string_view k_verb_names[] = {"get",    "list",  "watch",  "create",
                                             "update", "patch", "delete", "deletecollection"};

}  // namespace

RequestMetrics::Verb RequestMetrics::verb_of(std::string_view method, bool named, bool watch) {
  if (method == "GET") return watch ? Verb::watch : named ? Verb::get : Verb::list;
  if (method == "POST") return Verb::create;
  if (method == "PUT") return Verb::update;
  if (method == "PATCH") return Verb::patch;
  if (method == "DELETE") return named ? Verb::delete_ : Verb::deletecollection;
  return Verb::get;
}

std::string RequestMetrics::text() const {
  std::string out =
      "# HELP plumb_apiserver_requests_total API requests served, by verb and dry run.\n"
      "# TYPE plumb_apiserver_requests_total counter\n";
  for (size_t v = 0; v < size_t(Verb::count_); ++v) {
    for (int dry = 0; dry < 2; ++dry) {
      out += "plumb_apiserver_requests_total{verb=\"";
      out += k_verb_names[v];
      out += dry ? "\",dry_run=\"true\"} " : "\",dry_run=\"false\"} ";
      out += std::to_string(m_counts[v][size_t(dry)].load(std::memory_order_relaxed));
      out += '\n';
    }
  }
  return out;
}

}  // namespace plumb::localcluster

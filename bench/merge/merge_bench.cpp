// JSON and merge benchmark: parse and write speed of Plumb's JSON reader and writer on the
// 1000-app `kubectl kustomize` output (as one JSON list, the shape of a LIST response), and
// the cost of a strategic merge patch, a JSON patch and a merge patch per object.
//
//   merge_bench STREAM.yaml [ROUNDS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/yaml.hpp"
#include "merge/merge.hpp"

namespace {

using namespace plumb;
using Clock = std::chrono::steady_clock;

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path);
    std::exit(2);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The fastest of `rounds` runs, in seconds (the least disturbed by the other processes).
double best_of(int rounds, const std::function<void()>& run) {
  double best = 1e30;
  for (int i = 0; i < rounds; ++i) {
    auto start = Clock::now();
    run();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

Node must(Result<Node> r) {
  if (!r) {
    std::fprintf(stderr, "%s\n", r.error().message().c_str());
    std::exit(2);
  }
  return *std::move(r);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: merge_bench STREAM.yaml [ROUNDS]\n");
    return 2;
  }
  int rounds = argc > 2 ? std::atoi(argv[2]) : 7;
  auto docs = parse_yaml_stream(read_file(argv[1]), argv[1]);
  if (!docs) {
    std::fprintf(stderr, "%s\n", docs.error().message().c_str());
    return 2;
  }
  Node list = Node::list(docs->size());
  for (const Node& d : *docs)
    list.push_back(d);

  std::string compact = to_json(list);
  std::string indented = to_json(list, JsonStyle::indented);
  double mb = static_cast<double>(compact.size()) / 1e6;
  double mb_indented = static_cast<double>(indented.size()) / 1e6;
  Node parsed;
  double parse = best_of(rounds, [&] { parsed = must(parse_json(compact, "bench")); });
  double parse_indented = best_of(rounds, [&] { parsed = must(parse_json(indented, "bench")); });
  std::string out;
  double write = best_of(rounds, [&] {
    out.clear();
    append_json(parsed, out);
  });
  double write_indented = best_of(rounds, [&] {
    out.clear();
    append_json(parsed, out, JsonStyle::indented);
  });
  if (!(parsed == list) || to_json(parsed) != compact) {
    std::fprintf(stderr, "round trip differs\n");
    return 1;
  }
  std::printf("JSON: %zu documents, %.1f MB compact, %.1f MB indented\n", docs->size(), mb,
              mb_indented);
  std::printf("  parse compact   %7.1f MB/s (%.1f ms)\n", mb / parse, parse * 1e3);
  std::printf("  parse indented  %7.1f MB/s (%.1f ms)\n", mb_indented / parse_indented,
              parse_indented * 1e3);
  std::printf("  write compact   %7.1f MB/s (%.1f ms)\n", mb / write, write * 1e3);
  std::printf("  write indented  %7.1f MB/s (%.1f ms)\n", mb_indented / write_indented,
              write_indented * 1e3);

  // A typical overlay patch on every Deployment: replicas, a label, one container's image
  // and env (merged by name), the kind of patch kustomize and kubectl apply produce.
  std::vector<std::pair<Node, SchemaType>> targets;
  for (const Node& d : *docs) {
    auto kind = Schema::builtin().kind(d.string_at({"apiVersion"}), d.string_at({"kind"}));
    if (d.string_at({"kind"}) == "Deployment" && kind) targets.emplace_back(d, kind->type);
  }
  if (targets.empty()) {
    std::printf("no Deployments in the stream\n");
    return 0;
  }
  auto first_container = [](const Node& d) {
    const Node* c = d.at_path({"spec", "template", "spec", "containers"});
    return c && !c->empty() ? std::string(c->items()[0].string_at({"name"})) : std::string("app");
  };
  std::vector<Node> smp_patches, json_patches, merge_patches;
  for (auto& [d, type] : targets) {
    std::string name = first_container(d);
    smp_patches.push_back(must(parse_json(
        R"({"metadata":{"labels":{"env":"prod"}},"spec":{"replicas":5,"template":{"spec":{"containers":[{"name":")" +
            name +
            R"(","image":"registry.example/app:2","env":[{"name":"MODE","value":"fast"}]}]}}}})",
        "patch")));
    json_patches.push_back(must(parse_json(
        R"([{"op":"replace","path":"/spec/replicas","value":5},{"op":"add","path":"/metadata/labels/env","value":"prod"}])",
        "patch")));
    merge_patches.push_back(must(
        parse_json(R"({"metadata":{"labels":{"env":"prod"}},"spec":{"replicas":5}})", "patch")));
  }
  size_t n = targets.size();
  auto per_object = [&](const char* what, const std::function<Result<Node>(size_t)>& apply) {
    double t = best_of(rounds, [&] {
      for (size_t i = 0; i < n; ++i)
        must(apply(i));
    });
    std::printf("  %-28s %6.2f us/object\n", what, t / static_cast<double>(n) * 1e6);
  };
  std::printf("patches on %zu Deployments:\n", n);
  per_object("strategic merge (kubernetes)", [&](size_t i) {
    return strategic_merge(targets[i].first, smp_patches[i], targets[i].second);
  });
  per_object("strategic merge (kustomize)", [&](size_t i) {
    return strategic_merge(targets[i].first, smp_patches[i], targets[i].second,
                           MergeOptions::kustomize());
  });
  per_object("json patch", [&](size_t i) { return json_patch(targets[i].first, json_patches[i]); });
  per_object("merge patch", [&](size_t i) -> Result<Node> {
    return merge_patch(targets[i].first, merge_patches[i]);
  });
  double lookup = best_of(rounds, [&] {
    for (int i = 0; i < 100000; ++i) {
      auto k = Schema::builtin().kind("apps/v1", "Deployment");
      if (!k || !k->type.field("spec")) std::exit(3);
    }
  });
  std::printf("  schema kind + field lookup   %6.3f us\n", lookup / 100000 * 1e6);
  return 0;
}

// postBuild substitution against ../shared/sops-cases/postbuild/cases: each case's kustomize
// build (build.yaml), its Flux Kustomization and cluster objects, and what kustomize-controller
// produced in strict and non-strict mode (objects compared as parsed values, keys unordered,
// Secret data decoded), or the start of its error.
#include "controller/postbuild.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"

namespace plumb::controller {
namespace {

namespace fs = std::filesystem;

const fs::path k_cases = fs::path(PLUMB_SHARED_DIR) / "sops-cases/postbuild/cases";

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Keys sorted at every level; Secret data decoded (kustomize wraps long base64 values).
Node canonical(const Node& n) {
  if (n.is_list()) {
    Node out = Node::list();
    for (const Node& item : n.items())
      out.push_back(canonical(item));
    return out;
  }
  if (!n.is_map()) return n;
  std::vector<const MapEntry*> entries;
  for (const MapEntry& e : n.entries())
    entries.push_back(&e);
  std::sort(entries.begin(), entries.end(),
            [](auto* a, auto* b) { return a->key.as_string() < b->key.as_string(); });
  Node out = Node::map();
  for (const MapEntry* e : entries)
    out.set(e->key.as_string(), canonical(e->value));
  return out;
}

std::map<std::string, std::string> by_identity(const std::vector<Node>& objects) {
  std::map<std::string, std::string> out;
  for (Node o : objects) {
    if (o.string_at({"kind"}) == "Secret") {
      if (Node* data = o.find_mut("data")) {
        for (MapEntry& e : data->entries_mut()) {
          auto decoded = base64_decode(e.value.as_string());
          if (decoded) e.value = Node::string(*decoded);
        }
      }
    }
    std::string id = std::string(o.string_at({"apiVersion"})) + " " +
                     std::string(o.string_at({"kind"})) + " " +
                     std::string(o.string_at({"metadata", "namespace"})) + "/" +
                     std::string(o.string_at({"metadata", "name"}));
    out[id] = to_json(canonical(o), JsonStyle::indented);
  }
  return out;
}

// The case run in one mode: the objects, or the error.
Result<std::vector<Node>> run_case(const fs::path& dir, render::Unset unset) {
  Node ks = *parse_yaml(read(dir / "flux-kustomization.yaml"), "ks");
  KustomizationSpec spec = TRY(parse_kustomization(ks));
  std::vector<Node> cluster;
  if (fs::exists(dir / "cluster-objects.yaml"))
    cluster = *parse_yaml_stream(read(dir / "cluster-objects.yaml"), "cluster");
  for (Node& o : cluster) {  // as the API server stores a Secret: stringData merged into data
    const Node* string_data = o.find("stringData");
    if (!string_data) continue;
    for (const MapEntry& e : string_data->entries())
      o["data"].set(e.key.as_string(), Node::string(base64_encode(e.value.as_string())));
    o.erase("stringData");
  }
  ObjectLookup lookup = [&](std::string_view kind, std::string_view ns,
                            std::string_view name) -> Result<std::optional<Node>> {
    for (const Node& o : cluster) {
      if (o.string_at({"kind"}) == kind && o.string_at({"metadata", "namespace"}) == ns &&
          o.string_at({"metadata", "name"}) == name)
        return o;
    }
    return std::nullopt;
  };
  std::vector<Node> objects = TRY(parse_yaml_stream(read(dir / "build.yaml"), "build.yaml"));
  std::string ns(ks.string_at({"metadata", "namespace"}));
  auto vars = TRY(postbuild_variables(*spec.post_build, ns, lookup));
  return substitute_objects(std::move(objects), vars, spec.post_build->always, unset);
}

TEST(PostBuild, KustomizeControllerCases) {
  size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(k_cases)) {
    const fs::path dir = entry.path();
    Node expect = *parse_json(read(dir / "case.json"));
    for (auto [mode, unset] : {std::pair{"strict", render::Unset::error},
                               std::pair{"non_strict", render::Unset::empty}}) {
      SCOPED_TRACE(dir.filename().string() + " " + mode);
      const Node& want = *expect.at_path({"expect", mode});
      auto got = run_case(dir, unset);
      if (want.string_at({"result"}) == "error") {
        ASSERT_FALSE(got) << "expected the error " << want.string_at({"error"});
        EXPECT_TRUE(got.error().message().starts_with(want.string_at({"error"})))
            << got.error().message() << "\nexpected: " << want.string_at({"error"});
      } else {
        ASSERT_TRUE(got) << got.error().message();
        auto expected = parse_yaml_stream(read(dir / std::string(want.string_at({"output"}))), "x");
        ASSERT_TRUE(expected);
        EXPECT_EQ(by_identity(*got), by_identity(*expected));
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 42u);  // 21 cases, two modes each
}

TEST(PostBuild, AValueThatBreaksTheYamlNamesTheObjectAndVariableNotTheValue) {
  std::vector<Node> objects = {
      *parse_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: a\ndata:\n"
                  "  k: ${token}\n",
                  "c")};
  auto got = substitute_objects(objects, {{"token", "s3cr3t: [oops"}}, false, render::Unset::error);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message(),
            "envsubst error: ConfigMap/a/c is not a valid object after substituting ${token}: a "
            "value breaks its YAML");
}

}  // namespace
}  // namespace plumb::controller

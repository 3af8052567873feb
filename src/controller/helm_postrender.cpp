#include "controller/helm_postrender.hpp"

#include "core/fs.hpp"
#include "core/yaml.hpp"
#include "render/build.hpp"

namespace plumb::controller {
namespace {

constexpr std::string_view k_filename_annotation = "postrenderer.helm.sh/postrender-filename";

using Files = std::map<std::string, std::string>;  // path → text, in byte order as Go sorts

// Helm's annotateAndMerge: every document of every file, annotated with its file name.
Result<std::vector<Node>> annotate_and_merge(const Files& files) {
  std::vector<Node> out;
  for (const auto& [name, text] : files) {
    for (Node& doc : TRY(parse_yaml_stream(text, name))) {
      if (doc.is_null()) continue;
      if (!doc.is_map()) return fail("parsing ", name, ": a document is not an object");
      doc["metadata"]["annotations"].set(k_filename_annotation, Node::string(name));
      out.push_back(std::move(doc));
    }
  }
  return out;
}

// One kustomize post-renderer (helm-controller's postrender.Kustomize): the stream as the
// kustomization's only resource, its patches and images.
Result<std::vector<Node>> run_kustomize(std::vector<Node> objects,
                                        const KustomizePostRenderer& renderer) {
  MemoryFileSystem fs;
  fs.add_file("/helm-output.yaml", to_yaml_stream(objects));
  Node k = Node::map();
  k.set("apiVersion", Node::string("kustomize.config.k8s.io/v1beta1"));
  k.set("kind", Node::string("Kustomization"));
  Node resources = Node::list();
  resources.push_back(Node::string("helm-output.yaml"));
  k.set("resources", resources);
  if (!renderer.images.is_null()) k.set("images", renderer.images);
  if (!renderer.patches.is_null()) k.set("patches", renderer.patches);
  fs.add_file("/kustomization.yaml", to_yaml(k));
  render::BuildOptions options;
  options.restrictor = render::LoadRestrictor::none;
  return render::build_kustomization(fs, "/", options);
}

// Helm's splitAndDeannotate, adding the files to `out` (a file already there gets the new
// documents after its own).
void split_and_deannotate(std::vector<Node> objects, std::string_view group, Files& out) {
  std::map<std::string, std::vector<Node>> by_file;
  for (size_t i = 0; i < objects.size(); ++i) {
    Node& o = objects[i];
    std::string name;
    Node* metadata = o.find_mut("metadata");
    Node* annotations = metadata ? metadata->find_mut("annotations") : nullptr;
    if (annotations && annotations->is_map()) {
      if (const Node* n = annotations->find(k_filename_annotation); n && n->is_string())
        name = std::string(n->as_string());
      annotations->erase(k_filename_annotation);
    }
    if (name.empty())
      name = group.empty() ? "generated-by-postrender-" + std::to_string(i) + ".yaml"
                           : "generated-by-postrender-" + std::string(group) + "-" +
                                 std::to_string(i) + ".yaml";
    by_file[name].push_back(std::move(o));
  }
  for (auto& [name, docs] : by_file) {
    std::string text = to_yaml_stream(docs);
    std::string& into = out[name];
    into = into.empty() ? std::move(text) : into + "\n---\n" + text;
  }
}

void append_file(Files& files, const std::string& name, const std::string& text) {
  std::string& into = files[name];
  into = into.empty() ? text : into + "\n---\n" + text;
}

}  // namespace

Result<Files> post_render(const std::vector<helm::ReleaseDocument>& documents,
                          const std::vector<KustomizePostRenderer>& renderers,
                          PostRenderStrategy strategy) {
  using Part = helm::ReleaseDocument::Part;
  // The groups sent to the post-renderers: hooks and manifests, or both in one.
  bool combined = strategy == PostRenderStrategy::combined;
  Files hooks, manifests;
  for (const helm::ReleaseDocument& doc : documents) {
    if (doc.part == Part::crd) continue;
    append_file(doc.part == Part::hook && !combined ? hooks : manifests, doc.path, doc.content);
  }
  Files out;
  struct Group {
    std::string_view name;
    const Files& files;
    bool post_render;
  };
  const Group groups[] = {{"hooks", hooks, strategy == PostRenderStrategy::separate},
                          {combined ? "" : "manifests", manifests, true}};
  for (const Group& group : groups) {
    if (group.files.empty()) continue;
    if (!group.post_render) {
      for (const auto& [name, text] : group.files)
        append_file(out, name, text);
      continue;
    }
    std::vector<Node> objects = TRY(annotate_and_merge(group.files));
    for (size_t i = 0; i < renderers.size(); ++i) {
      auto rendered = run_kustomize(std::move(objects), renderers[i]);
      if (!rendered)
        return fail("error while running post render on ",
                    group.name.empty() ? "files" : group.name, ": postRenderers[",
                    std::to_string(i), "]: ", rendered.error().message());
      objects = std::move(*rendered);
    }
    split_and_deannotate(std::move(objects), group.name, out);
  }
  return out;
}

}  // namespace plumb::controller

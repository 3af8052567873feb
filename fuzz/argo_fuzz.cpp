// libFuzzer target: Argo CD objects and manifests as a repository and a cluster hand them to
// Plumb. The input is YAML: read as an Application and as an AppProject (argo/application.hpp),
// its documents as rendered objects ordered into sync tasks (argo/sync_tasks.hpp), each
// judged by Argo's health checks (argo/health.hpp), and the text itself rendered as a plain
// directory's manifest file (argo/render_source.hpp). Errors are fine; a crash, a leak,
// undefined behaviour, or any of these is a bug: a task list that is not a permutation of the
// input's objects; waves that do not cover the tasks in order.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "argo/application.hpp"
#include "argo/health.hpp"
#include "argo/render_source.hpp"
#include "argo/sync_tasks.hpp"
#include "core/fs.hpp"
#include "core/yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plumb;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto docs = parse_yaml_stream(text, "fuzz.yaml");
  if (docs) {
    std::vector<Node> objects;
    for (const Node& doc : *docs) {
      (void)argo::parse_application(doc);
      (void)argo::parse_app_project(doc);
      (void)argo::assess_health(doc);
      if (doc.is_map()) objects.push_back(doc);
    }
    size_t count = objects.size();
    auto tasks = argo::plan_sync_tasks(std::move(objects), {}, argo::SyncOptions{});
    if (tasks) {
      size_t covered = 0;
      for (const argo::WaveRange& w : argo::waves(*tasks)) {
        if (w.begin != covered || w.end < w.begin) std::abort();
        covered = w.end;
      }
      if (covered != tasks->size()) std::abort();
      // Skip-only hooks leave the list; every other object is one task (a managed
      // namespace would add one, and none is asked for here).
      if (tasks->size() > count) std::abort();
    }
  }
  MemoryFileSystem fs;
  fs.add_file("/app/manifest.yaml", std::string(text));
  argo::ApplicationSource source;
  source.repo_url = "https://example.com/repo.git";
  source.path = "app";
  argo::RenderRequest request;
  request.tree = &fs;
  request.source = &source;
  request.app_name = "fuzz";
  request.namespace_ = "default";
  (void)argo::render_source(request);
  return 0;
}

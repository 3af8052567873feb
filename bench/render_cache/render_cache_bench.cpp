// bench/render_cache: what checking a cached render costs next to rendering again.
//
//   render_cache_bench REPO BASE UNRELATED ONE_APP [ROUNDS]
//
// REPO holds a gen_kustomize_tree.py tree committed to git (BASE), then a commit that changes
// a file no app reads (UNRELATED), then one that changes one app (ONE_APP). Every app under
// base/apps is a Kustomization of its own. Per app: render (plain, and through a
// RecordingFileSystem), then RenderCache::lookup against each commit. Times are CPU seconds
// of this thread, best of ROUNDS; exit status 1 when hits are not what the commits imply.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "controller/render_cache.hpp"
#include "core/recording_fs.hpp"
#include "render/render_path.hpp"
#include "source/git.hpp"

namespace {

using namespace plumb;

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

double wall_now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct Timing {
  double cpu = 1e30, wall = 1e30;
  void keep_best(double c, double w) {
    cpu = std::min(cpu, c);
    wall = std::min(wall, w);
  }
};

template <typename Body>
void timed(Timing& timing, Body body) {
  double c = cpu_now(), w = wall_now();
  body();
  timing.keep_best(cpu_now() - c, wall_now() - w);
}

int run(const std::string& repo, const std::string& base, const std::string& unrelated,
        const std::string& one_app, int rounds) {
  std::string cache_dir = std::filesystem::temp_directory_path() / "plumb-render-cache-bench";
  std::filesystem::remove_all(cache_dir);
  auto source = source::GitSource::open(cache_dir, "file://" + repo);
  if (!source || !source->fetch({.branch = "main"}, {})) {
    std::fprintf(stderr, "cannot fetch %s\n", repo.c_str());
    return 2;
  }
  auto base_files = source->files(base).value();
  std::vector<std::string> apps = base_files->list_dir("/base/apps").value();
  render::BuildOptions options;
  options.restrictor = render::LoadRestrictor::none;
  auto dir = [](const std::string& app) { return "/base/apps/" + app; };

  Timing plain, recorded, same, unrelated_t, one_app_t;
  controller::RenderCache cache;
  size_t facts = 0, input_bytes = 0, objects = 0, unrelated_hits = 0, one_app_hits = 0;
  for (int round = 0; round < rounds; ++round) {
    auto files = source->files(base).value();
    timed(plain, [&] {
      for (const std::string& app : apps)
        objects += render::render_path(*files, dir(app), options)->size();
    });
    timed(recorded, [&] {
      for (const std::string& app : apps) {
        RecordingFileSystem recording(*files);
        auto rendered = render::render_path(recording, dir(app), options).value();
        facts += recording.inputs().facts().size();
        input_bytes += recording.inputs().heap_bytes();
        cache.store(app, "", recording.inputs(), std::move(rendered));
      }
    });
    auto lookups = [&](const std::string& commit, Timing& timing) {
      auto tree = source->files(commit).value();  // a fresh tree, as after a fetch
      size_t hits = 0;
      timed(timing, [&] {
        for (const std::string& app : apps)
          hits += cache.lookup(app, "", *tree).has_value();
      });
      return hits;
    };
    lookups(base, same);
    unrelated_hits = lookups(unrelated, unrelated_t);
    one_app_hits = lookups(one_app, one_app_t);
  }
  double n = double(apps.size());
  auto us = [&](double seconds) { return seconds / n * 1e6; };
  std::printf("apps: %zu, objects per app: %.1f, questions per app: %.1f\n", apps.size(),
              double(objects) / rounds / n, double(facts) / rounds / n);
  std::printf("%-34s %12s %12s\n", "per app (best of rounds)", "CPU us", "wall us");
  std::printf("%-34s %12.1f %12.1f\n", "render", us(plain.cpu), us(plain.wall));
  std::printf("%-34s %12.1f %12.1f\n", "render, recorded", us(recorded.cpu), us(recorded.wall));
  std::printf("%-34s %12.1f %12.1f\n", "lookup, same commit", us(same.cpu), us(same.wall));
  std::printf("%-34s %12.1f %12.1f\n", "lookup, unrelated change", us(unrelated_t.cpu),
              us(unrelated_t.wall));
  std::printf("%-34s %12.1f %12.1f\n", "lookup, one app changed", us(one_app_t.cpu),
              us(one_app_t.wall));
  std::printf("render / lookup (CPU): %.0fx\n", plain.cpu / unrelated_t.cpu);
  std::printf("hits: unrelated change %zu of %zu, one app changed %zu of %zu\n", unrelated_hits,
              apps.size(), one_app_hits, apps.size());
  std::printf("cache: %.0f bytes per entry, of which inputs %.0f (objects counted unshared)\n",
              double(cache.heap_bytes()) / n, double(input_bytes) / rounds / n);
  std::filesystem::remove_all(cache_dir);
  return unrelated_hits == apps.size() && one_app_hits + 1 == apps.size() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s REPO BASE UNRELATED ONE_APP [ROUNDS]\n", argv[0]);
    return 2;
  }
  return run(argv[1], argv[2], argv[3], argv[4], argc > 5 ? std::atoi(argv[5]) : 3);
}

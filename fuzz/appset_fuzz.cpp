// libFuzzer target: an untrusted ApplicationSet read and generated (argo/appset.hpp). The input
// is an archive (archive.hpp): section `appset.yaml` is the ApplicationSet, `clusters.yaml` the
// cluster Secrets (YAML documents), every other section a file of the one repository every
// git generator reads. Errors are fine; a crash, a leak, undefined behaviour, a timeout, or any
// of these is a bug: an Application without apiVersion/kind or outside the ApplicationSet's
// namespace; `valid` not a name-sorted subset of `applications` with unique names; an
// Application that does not read back from its YAML.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "archive.hpp"
#include "argo/appset.hpp"
#include "check.hpp"
#include "core/fs.hpp"
#include "core/yaml.hpp"

namespace {

constexpr std::string_view k_target = "appset_fuzz";

void check(const plumb::argo::ApplicationSet& set, const plumb::argo::Generated& out) {
  using plumb::Node;
  using plumb::fuzz::report_bug;
  for (const Node& app : out.applications) {
    if (app.string_at({"apiVersion"}) != "argoproj.io/v1alpha1" ||
        app.string_at({"kind"}) != "Application")
      report_bug(k_target, "an Application without its apiVersion and kind", plumb::to_yaml(app));
    if (app.string_at({"metadata", "namespace"}) != set.namespace_)
      report_bug(k_target, "an Application outside the ApplicationSet's namespace",
                 plumb::to_yaml(app));
    if (plumb::fuzz::has_non_finite(app)) continue;
    std::string text = plumb::to_yaml(app);
    auto back = plumb::parse_yaml(text, "app.yaml");
    if (!back || !plumb::fuzz::same_document(*back, app))
      report_bug(k_target, "an Application does not read back from its YAML", text);
  }
  if (out.valid.size() > out.applications.size())
    report_bug(k_target, "more valid Applications than generated", "");
  std::set<std::string, std::less<>> names;
  std::string_view last;
  for (const Node& app : out.valid) {
    std::string_view name = app.string_at({"metadata", "name"});
    if (name.empty() || !names.insert(std::string(name)).second)
      report_bug(k_target, "a valid Application with no name or a duplicate one", name);
    if (name < last) report_bug(k_target, "valid Applications not sorted by name", name);
    last = name;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plumb;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz::Archive archive = fuzz::split_archive(input);
  std::string_view appset_text = archive.sections.empty() ? input : std::string_view();
  std::vector<Node> secrets;
  MemoryFileSystem repo;
  for (const fuzz::Section& s : archive.sections) {
    if (s.name == "appset.yaml") {
      appset_text = s.text;
    } else if (s.name == "clusters.yaml") {
      if (auto docs = parse_yaml_stream(s.text, "clusters.yaml")) secrets = std::move(*docs);
    } else if (!s.name.empty() && s.name.find("..") == std::string_view::npos) {
      repo.add_file("/" + std::string(s.name), std::string(s.text));
    }
  }
  auto object = parse_yaml(appset_text, "appset.yaml");
  if (!object) return 0;
  auto set = argo::parse_application_set(*object);
  if (!set) return 0;
  argo::GenerateInput in;
  in.cluster_secrets = secrets;
  in.max_applications = 2000;
  in.repos = [&](const std::string&, const std::string&, const argo::RepoUse& use) {
    return use(argo::RepoSnapshot{"0123456789abcdef0123456789abcdef01234567", &repo});
  };
  auto generated = argo::generate_applications(*set, in);
  if (generated) check(*set, *generated);
  (void)argo::requeue_after(*set);
  return 0;
}

#include "cli/sync_common.hpp"

#include <filesystem>
#include <set>

#include "core/fs.hpp"
#include "render/render_path.hpp"

namespace plumb::cli {
namespace {

// A DNS-1123 name from a directory name (a file's name without its extension): lower case,
// other characters become '-'.
std::string applyset_name(const std::string& path) {
  std::filesystem::path absolute = std::filesystem::absolute(path).lexically_normal();
  std::string base = std::filesystem::is_regular_file(absolute) ? absolute.stem().string()
                                                                : absolute.filename().string();
  if (base.empty()) base = absolute.parent_path().filename();
  std::string name = "plumb-";
  for (char c : base) {
    char lower = char(std::tolower(static_cast<unsigned char>(c)));
    name += std::isalnum(static_cast<unsigned char>(lower)) ? lower : '-';
  }
  while (name.back() == '-')
    name.pop_back();
  return name.substr(0, 63);
}

}  // namespace

void add_connection_flags(FlagSpec& spec) {
  spec.values.insert({"--kubeconfig", "--context", "--namespace", "--applyset"});
  spec.aliases["-n"] = "--namespace";
}

std::optional<std::string> path_argument_error(std::string_view command, const Flags& flags) {
  const std::vector<std::string>& args = flags.positional;
  if (args.size() == 1) return std::nullopt;
  if (args.empty()) return "missing PATH (a directory or a YAML file)";
  static const std::set<std::string, std::less<>> k_kustomization_names{"ks", "kustomization",
                                                                        "kustomizations"};
  if (args.size() == 2 && k_kustomization_names.contains(args[0])) {
    return "a Kustomization by name (" + args[0] + " " + args[1] +
           ") is not supported yet: use plumb " + std::string(command) +
           " PATH with the directory it renders (e.g. ./clusters/my-cluster)";
  }
  std::string given;
  for (const std::string& a : args)
    given += (given.empty() ? "" : " ") + a;
  return "expected one PATH, got " + std::to_string(args.size()) + " arguments: " + given;
}

Result<SyncInput> prepare_sync(const Flags& flags, const std::string& path) {
  auto disk = make_disk_fs();
  std::vector<Node> objects = TRY(render::render_path(*disk, path, {}));
  SyncInput input;
  input.client = TRY(kube::Client::connect(
      {.kubeconfig = flags.value("--kubeconfig"), .context = flags.value("--context")}));
  std::string ns = flags.value("--namespace", input.client->config().namespace_);
  input.plan = TRY(sync::make_plan(std::move(objects), *input.client, {.default_namespace = ns}));
  input.applyset = sync::ApplySet::for_parent(flags.value("--applyset", applyset_name(path)), ns);
  sync::label_members(input.plan, input.applyset);
  return input;
}

}  // namespace plumb::cli

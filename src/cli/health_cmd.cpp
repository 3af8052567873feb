// plumb health -f OBJECT.yaml [--customizations DIR] [--argocd-cm-path FILE]: the health Plumb
// assesses for one object, as `argocd admin settings resource-overrides health` prints it:
//   STATUS: Progressing
//   MESSAGE: Waiting for the certificate to be issued
// through the code the controller judges live objects with (argo::assess_health with the Lua
// scripts of argocd-cm and DIR in front of Argo's built-in checks: argo/lua_health.hpp). With no
// check for the object: "Health script is not configured for 'GROUP/KIND'". An object being
// deleted is judged by its check all the same (what a script says of it is what one tries), and a
// note on stderr says what the controller shows instead (Progressing "Pending deletion"). Exit 0
// in both cases
// — a script that fails or is stopped by its limits is the Unknown health it gives — 1 when the
// object, DIR or FILE cannot be read, 2 on usage errors. The script's print() goes to stderr.
// The object is read as YAML 1.1 (sigs.k8s.io/yaml), whole numbers as integers, as they come
// from the API server.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>

#include "argo/customizations.hpp"
#include "argo/lua_health.hpp"
#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "core/fs.hpp"
#include "core/object_ref.hpp"
#include "helm/sigs_yaml.hpp"

namespace plumb::cli {
namespace {

constexpr std::string_view k_usage =
    "Usage: plumb health -f OBJECT.yaml [flags]\n\n"
    "Prints the health of an object as Plumb assesses it for Argo CD applications: its Lua\n"
    "health script if one is configured (argocd-cm's resource.customizations, then a directory\n"
    "laid out as Argo CD's resource_customizations: GROUP/KIND/health.lua), else Argo CD's\n"
    "built-in check. Two lines: STATUS: and MESSAGE:. Try a health script before committing it.\n\n"
    "Flags:\n"
    "  -f, --filename FILE       the object (YAML or JSON; - for stdin)\n"
    "  --customizations DIR      health scripts laid out as resource_customizations\n"
    "  --argocd-cm-path FILE     an argocd-cm ConfigMap whose resource.customizations apply\n";

int error(const std::string& message) {
  std::fprintf(stderr, "plumb health: %s\n", message.c_str());
  return 1;
}

Result<std::string> read_input(std::string_view path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  return make_disk_fs()->read_file(path);
}

Result<Node> read_object(std::string_view path, std::string_view what) {
  std::string text = TRY(read_input(path));
  auto object = helm::yaml_to_json(text, helm::YamlNumbers::typed);
  if (!object) return fail(path, ": ", object.error().message());
  if (!object->is_map()) return fail(path, ": not ", what);
  return std::move(*object);
}

Result<argo::Customizations> read_customizations(const Flags& flags) {
  argo::Customizations customizations;
  if (flags.has_value("--argocd-cm-path")) {
    std::string path = flags.value("--argocd-cm-path");
    Node config_map = TRY(read_object(path, "a ConfigMap"));
    auto read = argo::Customizations::from_config_map(config_map);
    if (!read) return fail(path, ": ", read.error().message());
    customizations = std::move(*read);
  }
  if (flags.has_value("--customizations"))
    TRY_VOID(customizations.read_directory(*make_disk_fs(), flags.value("--customizations")));
  return customizations;
}

}  // namespace

int health_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--help"},
                .values = {"--filename", "--customizations", "--argocd-cm-path"},
                .aliases = {{"-f", "--filename"}, {"-h", "--help"}}};
  flux::Parsed parsed = flux::parse_or_usage(args, spec, "health", k_usage);
  if (!parsed.flags) return parsed.exit;
  const Flags& flags = *parsed.flags;
  if (!flags.positional.empty())
    return flux::usage("health", "unexpected argument " + flags.positional[0], k_usage);
  if (!flags.has_value("--filename"))
    return flux::usage("health", "-f OBJECT.yaml is required", k_usage);

  auto object = read_object(flags.value("--filename"), "an object");
  if (!object) return error(object.error().message());
  auto customizations = read_customizations(flags);
  if (!customizations) return error(customizations.error().message());
  auto shared = std::make_shared<const argo::Customizations>(std::move(*customizations));

  argo::LuaOptions options;
  options.print = [](std::string_view line) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  };
  argo::HealthOverride override = argo::customized_health_override(shared, options);
  // The object's check, deletion aside: its script (which may look at the deletion itself), else
  // the built-in check; and what the controller shows when that differs.
  Result<std::optional<argo::Health>> scripted = override(*object);
  std::optional<argo::Health> health;
  if (!scripted) {
    health = argo::Health{argo::HealthStatus::unknown, scripted.error().message()};
  } else if (*scripted) {
    health = **scripted;
  } else {
    Node judged = *object;
    if (Node* metadata = judged.find_mut("metadata")) metadata->erase("deletionTimestamp");
    health = argo::assess_health(judged);
  }
  std::optional<argo::Health> controller =
      argo::assess_health(*object, [&](const Node&) { return scripted; });
  ObjectRef ref = ObjectRef::of(*object);
  if (!health && !shared->health_script(ref.group, ref.kind)) {
    std::printf("Health script is not configured for '%s/%s'\n", ref.group.c_str(),
                ref.kind.c_str());
  } else {
    // A script that gives no health: Argo prints the empty health it records.
    std::string status = health ? std::string(argo::to_string(health->status)) : "";
    std::string message = health ? health->message : "";
    std::printf("STATUS: %s\nMESSAGE: %s\n", status.c_str(), message.c_str());
  }
  std::fflush(stdout);
  if (controller && controller != health)
    std::fprintf(stderr,
                 "note: %s is being deleted: Argo CD shows it as %s \"%s\" whatever its check "
                 "says\n",
                 ref.display().c_str(), std::string(argo::to_string(controller->status)).c_str(),
                 controller->message.c_str());
  return 0;
}

}  // namespace plumb::cli

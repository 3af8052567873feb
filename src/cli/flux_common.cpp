#include "cli/flux_common.hpp"

#include <cstdio>

#include "cli/color.hpp"
#include "cli/flux_manifests.hpp"
#include "controller/reconcile.hpp"
#include "core/conditions.hpp"

namespace plumb::cli::flux {
namespace {

const FluxKind k_kustomization{.kind = "Kustomization",
                               .noun = "kustomization",
                               .lower = "kustomization",
                               .resource = &controller::k_kustomizations,
                               .revision_in = "",
                               .revision_field = "lastAppliedRevision",
                               .success = "applied revision"};
const FluxKind k_git_repository{.kind = "GitRepository",
                                .noun = "source git",
                                .lower = "gitrepository",
                                .resource = &controller::k_git_repositories,
                                .revision_in = "artifact",
                                .revision_field = "revision",
                                .success = "fetched revision"};
const FluxKind k_helm_release{.kind = "HelmRelease",
                              .noun = "helmrelease",
                              .lower = "helmrelease",
                              .resource = &controller::k_helm_releases,
                              .revision_in = "",
                              .revision_field = "lastAttemptedRevision",
                              .success = "applied revision"};
const kube::Resource k_oci_repositories{"source.toolkit.fluxcd.io", "v1", "OCIRepository",
                                        "ocirepositories", true};
const FluxKind k_helm_repository{.kind = "HelmRepository",
                                 .noun = "source helm",
                                 .lower = "helmrepository",
                                 .resource = &controller::k_helm_repositories,
                                 .revision_in = "artifact",
                                 .revision_field = "revision",
                                 .success = "fetched revision"};
const FluxKind k_oci_repository{.kind = "OCIRepository",
                                .noun = "source oci",
                                .lower = "ocirepository",
                                .resource = &k_oci_repositories,
                                .revision_in = "artifact",
                                .revision_field = "revision",
                                .success = "fetched revision"};

// The words that name a kind on the command line.
struct KindWord {
  std::string_view word;
  const FluxKind* kind;
  bool source;  // follows `source` / `sources`
};
const KindWord k_kind_words[] = {
    {"kustomizations", &k_kustomization, false},
    {"kustomization", &k_kustomization, false},
    {"ks", &k_kustomization, false},
    {"helmreleases", &k_helm_release, false},
    {"helmrelease", &k_helm_release, false},
    {"hr", &k_helm_release, false},
    {"git", &k_git_repository, true},
    {"helm", &k_helm_repository, true},
    {"oci", &k_oci_repository, true},
};

constexpr std::string_view k_marks[] = {"►", "✔", "◎", "✗", "✚"};

}  // namespace

const FluxKind& kustomization_kind() {
  return k_kustomization;
}
const FluxKind& git_repository_kind() {
  return k_git_repository;
}
const FluxKind& helm_release_kind() {
  return k_helm_release;
}
const FluxKind& helm_repository_kind() {
  return k_helm_repository;
}
const FluxKind& oci_repository_kind() {
  return k_oci_repository;
}

std::span<const FluxKind* const> source_kinds() {
  static const FluxKind* const kinds[] = {&k_git_repository, &k_helm_repository, &k_oci_repository};
  return kinds;
}

std::string_view kinds_help(AllSources all) {
  return all == AllSources::allowed
             ? "kustomizations (kustomization, ks), helmreleases (helmrelease, hr), sources (all "
               "source kinds), sources git|helm|oci (source git|helm|oci)"
             : "kustomization (kustomizations, ks), helmrelease (helmreleases, hr), source "
               "git|helm|oci (sources git|helm|oci)";
}

Result<KindSelection> select_kind(std::span<const std::string> positional, AllSources all) {
  if (positional.empty()) return fail("a kind is required; kinds: ", kinds_help(all));
  KindSelection selection;
  const std::string& first = positional[0];
  size_t used = 1;
  bool source = first == "source" || first == "sources";
  if (source) {
    for (const KindWord& w : k_kind_words) {
      if (w.source && positional.size() >= 2 && w.word == positional[1]) selection.kind = w.kind;
    }
    if (selection.kind) {
      used = 2;
    } else if (first == "sources" && all == AllSources::allowed &&
               (positional.size() < 2 || positional[1] == "all")) {
      selection.all_sources = true;
      selection.kind = &k_git_repository;
      used = positional.size() < 2 ? 1 : 2;
    } else {
      std::string what = positional.size() < 2 ? "" : " '" + positional[1] + "'";
      return fail("unknown source kind", what, "; source kinds: git, helm, oci");
    }
  } else {
    for (const KindWord& w : k_kind_words) {
      if (!w.source && w.word == first) selection.kind = w.kind;
    }
    if (!selection.kind) return fail("unknown kind '", first, "'; kinds: ", kinds_help(all));
  }
  selection.names.assign(positional.begin() + long(used), positional.end());
  return selection;
}

void add_flux_flags(FlagSpec& spec) {
  spec.values.insert({"--kubeconfig", "--context", "--namespace"});
  spec.booleans.insert("--help");
  spec.aliases["-n"] = "--namespace";
  spec.aliases["-h"] = "--help";
}

std::string namespace_of(const Flags& flags) {
  return flags.value("--namespace", "flux-system");
}

Result<Session> connect(const Flags& flags) {
  Session session;
  session.client = TRY(kube::Client::connect(
      {.kubeconfig = flags.value("--kubeconfig"), .context = flags.value("--context")}));
  session.ns = namespace_of(flags);
  return session;
}

Readiness readiness_of(const Node& object) {
  Readiness r{"False", "", "waiting to be reconciled", false, false};
  if (const Node* ready = condition_of(object, "Ready")) {
    const Node& c = *ready;
    r.found = true;
    r.status = std::string(c.string_at({"status"}));
    r.reason = std::string(c.string_at({"reason"}));
    r.message = std::string(c.string_at({"message"}));
    const Node* generation = object.at_path({"metadata", "generation"});
    const Node* observed = c.find("observedGeneration");
    if (!observed) observed = object.at_path({"status", "observedGeneration"});
    r.current = !generation || !observed || observed->as_int() >= generation->as_int();
  }
  return r;
}

std::string revision_of(const FluxKind& kind, const Node& object) {
  const Node* status = object.find("status");
  if (status && !kind.revision_in.empty()) status = status->find(kind.revision_in);
  return status ? std::string(status->string_at({kind.revision_field})) : std::string();
}

bool is_suspended(const Node& object) {
  const Node* suspend = object.at_path({"spec", "suspend"});
  return suspend && suspend->as_bool();
}

std::string object_name(const FluxKind& kind, std::string_view ns, std::string_view name) {
  std::string out(kind.lower);
  return out.append(" ").append(ns).append("/").append(name);
}

Result<Node> get_object(kube::Client& client, const FluxKind& kind, std::string_view ns,
                        std::string_view name) {
  // A cluster without the CRD answers 404 too: no such object either way.
  auto object = TRY(client.get(*kind.resource, ns, name));
  if (!object) return fail(object_name(kind, ns, name), " not found");
  return std::move(*object);
}

Node apply_stub(const FluxKind& kind, std::string_view ns, std::string_view name) {
  return object_stub(kind.resource->api_version(), kind.kind, name, ns);
}

void say(Mark mark, std::string_view message) {
  std::string symbol(k_marks[static_cast<int>(mark)]);
  if (mark == Mark::success) symbol = colored(symbol, Color::green, stderr);
  if (mark == Mark::failure) symbol = colored(symbol, Color::red, stderr);
  std::fprintf(stderr, "%.*s %.*s\n", int(symbol.size()), symbol.data(), int(message.size()),
               message.data());
  std::fflush(stderr);
}

int usage(std::string_view command, std::string_view message, std::string_view text) {
  if (message.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  std::fprintf(stderr, "plumb %.*s: %.*s\n\n", int(command.size()), command.data(),
               int(message.size()), message.data());
  std::fwrite(text.data(), 1, text.size(), stderr);
  return 2;
}

Parsed parse_or_usage(std::span<const std::string_view> args, const FlagSpec& spec,
                      std::string_view command, std::string_view text) {
  auto flags = parse_flags(args, spec);
  if (!flags) return {std::nullopt, usage(command, flags.error().message(), text)};
  if (flags->has("--help")) return {std::nullopt, usage(command, "", text)};
  return {std::move(*flags), 0};
}

KindCommand parse_kind_command(std::span<const std::string_view> args, FlagSpec spec,
                               std::string_view command, std::string_view text, AllSources all,
                               Names names) {
  add_flux_flags(spec);
  KindCommand c;
  Parsed parsed = parse_or_usage(args, spec, command, text);
  if (!parsed.flags) {
    c.exit = parsed.exit;
    return c;
  }
  c.flags = std::move(*parsed.flags);
  auto selection = select_kind(c.flags.positional, all);
  if (!selection) {
    c.exit = usage(command, selection.error().message(), text);
    return c;
  }
  c.selection = std::move(*selection);
  size_t given = c.selection.names.size();
  if (names == Names::one && given != 1) c.exit = usage(command, "one NAME is required", text);
  if (names == Names::at_most_one && given > 1) c.exit = usage(command, "at most one NAME", text);
  return c;
}

int failed(const Error& error) {
  say(Mark::failure, error.message());
  return 1;
}

}  // namespace plumb::cli::flux

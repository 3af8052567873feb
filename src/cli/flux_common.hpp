// What the flux-like commands (get, reconcile, suspend, resume, create, events) share: the
// kinds they act on, their connection flags (-n defaulting to flux-system as the flux CLI
// does), reading an object's Ready condition, and the progress lines flux prints on stderr
// ("► annotating ...", "✔ ...", "✗ ...").
//
// Thread safety: the functions keep no state; a Client may be shared as kube::Client allows.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/flags.hpp"
#include "core/error.hpp"
#include "core/node.hpp"
#include "kube/client.hpp"

namespace plumb::cli::flux {

// A Flux kind the commands know, as data.
struct FluxKind {
  std::string_view kind;   // "Kustomization"
  std::string_view noun;   // how progress lines name it: "kustomization", "source git"
  std::string_view lower;  // how errors name it: "kustomization", "gitrepository"
  const kube::Resource* resource;
  // Where its status names the revision it holds: status.lastAppliedRevision, or
  // status.artifact.revision (revision_in "artifact").
  std::string_view revision_in;
  std::string_view revision_field;
  std::string_view success;  // "applied revision", "fetched revision"
};

const FluxKind& kustomization_kind();
const FluxKind& git_repository_kind();
const FluxKind& helm_release_kind();
// Only `create source helm|oci` names these two.
const FluxKind& helm_repository_kind();
const FluxKind& oci_repository_kind();
// GitRepository, HelmRepository, OCIRepository: what `get sources all` lists.
std::span<const FluxKind* const> source_kinds();

// The kind words of the commands: `kustomizations|kustomization|ks`, `source git`,
// `sources git`, and (where all_sources is allowed) `sources` alone.
struct KindSelection {
  const FluxKind* kind = nullptr;
  bool all_sources = false;        // `get sources`: every source kind, names prefixed by kind
  std::vector<std::string> names;  // the positional arguments after the kind words
};
enum class AllSources : bool { refused, allowed };
// Errors say which kinds exist.
Result<KindSelection> select_kind(std::span<const std::string> positional, AllSources all);

// The kind words a command accepts, for usage errors.
std::string_view kinds_help(AllSources all);

// Adds -n/--namespace, --kubeconfig, --context and -h/--help.
void add_flux_flags(FlagSpec& spec);

// A client for the cluster of --kubeconfig/$KUBECONFIG/--context, and the namespace of -n
// (flux-system when not given, as the flux CLI defaults).
struct Session {
  std::unique_ptr<kube::Client> client;
  std::string ns;
};
Result<Session> connect(const Flags& flags);

// The namespace of -n, flux-system by default.
std::string namespace_of(const Flags& flags);

// The Ready condition as `flux get` shows it: its status and message, or False with
// "waiting to be reconciled" when the object has none yet (found is then false).
struct Readiness {
  std::string status;  // "True", "False", "Unknown"
  std::string reason;
  std::string message;
  bool found = false;    // the object has a Ready condition
  bool current = false;  // it speaks of the object's current generation
};
Readiness readiness_of(const Node& object);

std::string revision_of(const FluxKind& kind, const Node& object);
bool is_suspended(const Node& object);

// "kustomization flux-system/apps": how errors name an object.
std::string object_name(const FluxKind& kind, std::string_view ns, std::string_view name);

// The object, or an error "kustomization flux-system/apps not found".
Result<Node> get_object(kube::Client& client, const FluxKind& kind, std::string_view ns,
                        std::string_view name);

// A partial object of kind for server-side apply: apiVersion, kind, metadata name and
// namespace; the caller adds the fields it owns.
Node apply_stub(const FluxKind& kind, std::string_view ns, std::string_view name);

// Progress lines on stderr, as the flux CLI prints them.
enum class Mark { action, success, waiting, failure, generate };
void say(Mark mark, std::string_view message);

// Prints "plumb COMMAND: message" and the usage on stderr; returns 2. With an empty message
// (from --help) prints the usage on stdout and returns 0.
int usage(std::string_view command, std::string_view message, std::string_view text);

// Parses flags, and answers --help and flag errors: without flags the command returns
// `exit` at once.
struct Parsed {
  std::optional<Flags> flags;
  int exit = 0;
};
Parsed parse_or_usage(std::span<const std::string_view> args, const FlagSpec& spec,
                      std::string_view command, std::string_view text);

// A kind command's arguments (get, reconcile, suspend, resume, create): its flags plus
// add_flux_flags, with --help and flag errors answered, the kind words, and as many NAMEs as
// the command takes. When `exit` is set the command returns it at once.
struct KindCommand {
  Flags flags;
  KindSelection selection;
  std::optional<int> exit;
};
enum class Names { any, at_most_one, one };
KindCommand parse_kind_command(std::span<const std::string_view> args, FlagSpec spec,
                               std::string_view command, std::string_view text, AllSources all,
                               Names names);

// Reports a failed command ("✗ message") and returns 1.
int failed(const Error& error);

}  // namespace plumb::cli::flux

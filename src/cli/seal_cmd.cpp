// plumb seal: kubeseal's command line without kubeseal. Seals a Secret into a SealedSecret
// (src/sealed) that the sealed-secrets controller, or Plumb's, opens; the same flags, input
// (YAML or JSON, several documents) and output (JSON by default, `---` and YAML with -o yaml
// or a -w file named .yaml). The certificate comes from --cert (a file or an http(s) URL)
// or, by default, from the cluster: the newest key Secret labelled
// sealedsecrets.bitnami.com/sealed-secrets-key=active in --controller-namespace (plumb-system),
// read directly (no controller service). --re-encrypt and --validate read the private keys
// from those same Secrets. Plaintext goes nowhere but into the sealer: errors name the object
// and the key, never a value.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "cli/flags.hpp"
#include "core/base64.hpp"
#include "core/fs.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "kube/client.hpp"
#include "kube/kubeconfig.hpp"
#include "net/http_client.hpp"
#include "sealed/sealed.hpp"

namespace plumb::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_usage =
    "Usage: plumb seal [flags]\n\n"
    "Seals a Secret (stdin or -f) into a SealedSecret, as kubeseal does; the sealed-secrets\n"
    "controller and Plumb's unseal it in the cluster.\n\n"
    "Flags:\n"
    "  -f, --secret-file FILE          the Secret(s) to seal (default stdin)\n"
    "  -w, --sealed-secret-file FILE   write there (atomically) instead of stdout\n"
    "  -o, --format json|yaml          output format (default json; yaml for a .yaml/.yml -w)\n"
    "  --scope strict|namespace-wide|cluster-wide\n"
    "                                  what the SealedSecret is bound to (default: the Secret's\n"
    "                                  sealedsecrets.bitnami.com/* annotations, else strict)\n"
    "  --cert FILE|URL                 the certificate to seal with (default: the cluster's)\n"
    "  --fetch-cert                    print the cluster's certificate, for later --cert\n"
    "  --raw                           seal one value (--from-file or stdin), print it base64\n"
    "  --name NAME                     the Secret's name (--raw with strict scope; overrides)\n"
    "  -n, --namespace NS              the namespace (default: the kubeconfig context's)\n"
    "  --from-file [KEY=]FILE          --raw: the value to seal\n"
    "  --merge-into FILE               seal into an existing SealedSecret file, in place\n"
    "  --re-encrypt                    re-seal SealedSecrets with the newest cluster key\n"
    "  --validate                      check that the cluster's keys unseal the input\n"
    "  --allow-empty-data              seal a Secret without data\n"
    "  --recovery-unseal               print the Secrets the input unseals to, with the keys of\n"
    "  --recovery-private-key FILE     (PEM private keys or key Secrets; repeatable)\n"
    "  --controller-namespace NS       where the key Secrets are (default plumb-system)\n"
    "  --controller-name NAME          accepted for kubeseal compatibility (no service used)\n"
    "  --kubeconfig FILE, --context NAME\n";

constexpr std::string_view k_default_controller_namespace = "plumb-system";

struct Output {
  std::string format = "json";
  std::string path;  // -w
  std::string text;
};

int failed(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

Result<std::string> read_file_text(const std::string& path, std::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(flag, ": cannot read ", path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<std::string> read_input(const Flags& flags) {
  if (flags.has_value("--secret-file"))
    return read_file_text(flags.value("--secret-file"), "--secret-file");
  std::stringstream s;
  s << std::cin.rdbuf();
  return s.str();
}

// Every non-empty document of a YAML or JSON stream, read as kubeseal's decoder reads them.
Result<std::vector<Node>> read_documents(std::string_view text, std::string_view source) {
  auto documents = parse_yaml_stream(text, source, DuplicateKeys::error, PlainScalars::go_yaml_v2);
  if (!documents) return std::unexpected(documents.error());
  std::vector<Node> out;
  for (Node& document : *documents)
    if (document.is_map() && !document.empty()) out.push_back(std::move(document));
  return out;
}

void print_object(Output& out, const Node& object) {
  if (out.format == "yaml") {
    out.text += "---\n";
    out.text += to_yaml(object);
  } else {
    out.text += to_json(object, JsonStyle::indented);
    out.text += "\n";
  }
}

Result<void> write_output(const Output& out) {
  if (out.path.empty()) {
    std::fwrite(out.text.data(), 1, out.text.size(), stdout);
    std::fflush(stdout);
    return {};
  }
  return replace_file(out.path, out.text,
                      fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                          fs::perms::others_read);
}

// --- the cluster --------------------------------------------------------------------------

kube::KubeconfigOptions kubeconfig_options(const Flags& flags) {
  return {.kubeconfig = flags.value("--kubeconfig"), .context = flags.value("--context")};
}

// The namespace a Secret without one goes to: -n, else the kubeconfig context's, else default.
std::string default_namespace(const Flags& flags) {
  if (flags.has_value("--namespace")) return flags.value("--namespace");
  auto config = kube::load_rest_config(kubeconfig_options(flags));
  if (config && !config->namespace_.empty()) return config->namespace_;
  return "default";
}

// The controller's keys, oldest first: the Secrets labelled active and the legacy one named
// after the prefix, as the controller reads them at start.
Result<std::vector<sealed::KeyPair>> cluster_keys(const Flags& flags) {
  std::string ns = flags.value("--controller-namespace", k_default_controller_namespace);
  auto client = TRY(kube::Client::connect(kubeconfig_options(flags)));
  kube::Resource secrets = TRY(client->resource_for("v1", "Secret"));
  std::string selector = std::string(sealed::k_key_label) + "=active";
  Node list = TRY(client->list(secrets, ns, selector));
  std::vector<Node> items;
  if (const Node* found = list.find("items"); found && found->is_list())
    items.assign(found->items().begin(), found->items().end());
  auto legacy = TRY(client->get(secrets, ns, sealed::k_key_prefix));
  if (legacy) items.push_back(*legacy);
  std::vector<sealed::KeyPair> keys;
  std::vector<std::string> unreadable;
  for (const Node& item : items) {
    auto key = sealed::key_from_secret(item);
    if (key)
      keys.push_back(std::move(*key));
    else
      unreadable.push_back(key.error().message());
  }
  if (keys.empty()) {
    std::string why = unreadable.empty() ? "" : " (" + unreadable.front() + ")";
    return fail("no sealing key found in namespace ", ns, " (Secrets labelled ",
                sealed::k_key_label, "=active)", why);
  }
  std::stable_sort(keys.begin(), keys.end(),
                   [](const auto& a, const auto& b) { return a.created < b.created; });
  return keys;
}

Result<std::string> fetch_url(const std::string& url) {
  net::HttpClient http;
  net::ClientRequest request;
  request.url = url;
  auto response = TRY(http.send(request));
  if (response.status != 200) return fail("--cert: ", net::describe_status(request, response));
  return std::move(response.body);
}

// The certificate to seal with: --cert (file or URL), else the cluster's newest key's.
Result<std::string> certificate(const Flags& flags) {
  if (flags.has_value("--cert")) {
    std::string cert = flags.value("--cert");
    if (cert.starts_with("http://") || cert.starts_with("https://")) return fetch_url(cert);
    return read_file_text(cert, "--cert");
  }
  auto keys = TRY(cluster_keys(flags));
  return keys.back().certificate_pem;
}

// kubeseal refuses to seal with an expired certificate.
Result<void> check_not_expired(std::string_view pem) {
  auto not_after = sealed::certificate_not_after(pem);
  if (!not_after) return {};  // a bare public key: the sealer says whether it is usable
  if (std::chrono::system_clock::now() > *not_after)
    return fail("failed to encrypt using an expired certificate");
  return {};
}

// --- the modes ------------------------------------------------------------------------------

// A Secret prepared as kubeseal prepares it: name override, namespace default, server fields
// gone (seal_object strips them from the template).
Result<Node> prepare_secret(Node secret, const Flags& flags, sealed::Scope scope,
                            std::string_view name_override) {
  const Node* data = secret.find("data");
  const Node* string_data = secret.find("stringData");
  bool empty =
      (data == nullptr || data->empty()) && (string_data == nullptr || string_data->empty());
  if (empty && !flags.has("--allow-empty-data"))
    return fail(
        "secret.data is empty in input Secret, assuming this is an error and aborting. To "
        "work with empty data, --allow-empty-data can be used");
  Node* metadata = secret.find_mut("metadata");
  if (metadata == nullptr || !metadata->is_map()) {
    secret.set("metadata", Node::map());
    metadata = secret.find_mut("metadata");
  }
  if (!name_override.empty()) metadata->set("name", Node::string(name_override));
  if (metadata->string_at({"name"}).empty()) return fail("missing metadata.name in input Secret");
  sealed::Scope effective = scope;
  if (scope == sealed::Scope::strict) effective = TRY(sealed::scope_of(*metadata));
  if (effective != sealed::Scope::cluster_wide) {
    std::string_view ns = metadata->string_at({"namespace"});
    if (flags.has_value("--namespace") && !ns.empty() && ns != flags.value("--namespace"))
      return fail("namespace mismatch: input secret is in namespace \"", ns, "\" but \"",
                  flags.value("--namespace"), "\" was specified");
    if (ns.empty()) metadata->set("namespace", Node::string(default_namespace(flags)));
  }
  return secret;
}

// What sealing Secrets starts from: the input's Secrets and a certificate that has not expired.
struct SealInput {
  std::vector<Node> secrets;
  std::string cert;
};

Result<SealInput> seal_input(const Flags& flags) {
  SealInput in;
  std::string input = TRY(read_input(flags));
  in.cert = TRY(certificate(flags));
  TRY_VOID(check_not_expired(in.cert));
  in.secrets = TRY(read_documents(input, "input"));
  if (in.secrets.empty())
    return fail("no secrets found. Ensure the input is valid and UTF-8 encoded");
  return in;
}

Result<void> seal_secrets(const Flags& flags, sealed::Scope scope, Output& out) {
  auto [secrets, cert] = TRY(seal_input(flags));
  for (Node& secret : secrets) {
    Node prepared = TRY(prepare_secret(std::move(secret), flags, scope, flags.value("--name")));
    print_object(out, TRY(sealed::seal_object(prepared, cert, scope)));
  }
  return {};
}

Result<void> seal_raw(const Flags& flags, sealed::Scope scope, Output& out) {
  std::string ns;
  std::string name = flags.value("--name");
  if (scope != sealed::Scope::cluster_wide) {
    ns = default_namespace(flags);
    if (name.empty() && scope == sealed::Scope::strict)
      return fail("must provide the --name flag with --raw and --scope strict");
  }
  const auto& files = flags.all("--from-file");
  if (files.size() > 1)
    return fail("must provide only one --from-file when encrypting a single item with --raw");
  std::string value;
  if (files.empty()) {
    std::stringstream s;
    s << std::cin.rdbuf();
    value = s.str();
  } else {
    std::string spec = files.front();
    size_t eq = spec.find('=');
    value =
        TRY(read_file_text(eq == std::string::npos ? spec : spec.substr(eq + 1), "--from-file"));
  }
  std::string cert = TRY(certificate(flags));
  TRY_VOID(check_not_expired(cert));
  std::string sealed_bytes = TRY(sealed::seal(cert, sealed::label_of(scope, ns, name), value));
  out.text += base64_encode(sealed_bytes);
  return {};
}

void merge_map(Node& into, std::initializer_list<std::string_view> path, const Node* from) {
  if (from == nullptr || !from->is_map()) return;
  Node* target = &into;
  for (std::string_view key : path) {
    Node* next = target->find_mut(key);
    if (next == nullptr || !next->is_map()) {
      target->set(key, Node::map());
      next = target->find_mut(key);
    }
    target = next;
  }
  for (const MapEntry& entry : from->entries())
    target->set(entry.key.as_string(), entry.value);
}

Result<void> merge_into(const Flags& flags, sealed::Scope scope, Output& out) {
  std::string path = flags.value("--merge-into");
  std::string existing = TRY(read_file_text(path, "--merge-into"));
  auto documents = TRY(read_documents(existing, path));
  if (documents.size() != 1) return fail(path, ": expected one SealedSecret");
  Node orig = documents.front();
  auto [secrets, cert] = TRY(seal_input(flags));
  for (Node& secret : secrets) {
    // The existing SealedSecret's name and namespace win, as kubeseal overrides them.
    Node* metadata = secret.find_mut("metadata");
    if (metadata == nullptr || !metadata->is_map()) {
      secret.set("metadata", Node::map());
      metadata = secret.find_mut("metadata");
    }
    if (std::string_view ns = orig.string_at({"metadata", "namespace"}); !ns.empty())
      metadata->set("namespace", Node::string(ns));
    Node prepared =
        TRY(prepare_secret(std::move(secret), flags, scope, orig.string_at({"metadata", "name"})));
    Node update = TRY(sealed::seal_object(prepared, cert, scope));
    merge_map(orig, {"spec", "encryptedData"}, update.at_path({"spec", "encryptedData"}));
    merge_map(orig, {"spec", "template", "metadata", "annotations"},
              update.at_path({"spec", "template", "metadata", "annotations"}));
    merge_map(orig, {"spec", "template", "metadata", "labels"},
              update.at_path({"spec", "template", "metadata", "labels"}));
    merge_map(orig, {"spec", "template", "data"}, update.at_path({"spec", "template", "data"}));
  }
  Output merged{out.format, path, ""};
  print_object(merged, sealed::kubeseal_layout(orig));
  return write_output(merged);
}

std::string object_name(const Node& object) {
  return std::string(object.string_at({"metadata", "name"}));
}

Result<void> validate(const Flags& flags) {
  std::string input = TRY(read_input(flags));
  auto keys = TRY(cluster_keys(flags));
  for (const Node& sealed_secret : TRY(read_documents(input, "input"))) {
    if (!sealed::unseal_object(sealed_secret, keys))
      return fail("unable to decrypt sealed secret: ", object_name(sealed_secret));
  }
  return {};
}

// As the controller's rotate: the template takes the SealedSecret's metadata, the Secret it
// unseals to is sealed again with the newest key.
Result<void> re_encrypt(const Flags& flags, Output& out) {
  std::string input = TRY(read_input(flags));
  auto keys = TRY(cluster_keys(flags));
  for (Node sealed_secret : TRY(read_documents(input, "input"))) {
    const Node* metadata = sealed_secret.find("metadata");
    if (metadata != nullptr && sealed_secret.at_path({"spec", "template", "metadata"}) != nullptr &&
        *metadata != *sealed_secret.at_path({"spec", "template", "metadata"})) {
      Node copy = *metadata;
      sealed_secret.find_mut("spec")->find_mut("template")->set("metadata", copy);
    }
    auto secret = sealed::unseal_object(sealed_secret, keys);
    if (!secret) return fail("error decrypting secret. ", secret.error().message());
    secret->find_mut("metadata")->erase("ownerReferences");
    Node resealed =
        TRY(sealed::seal_object(*secret, keys.back().certificate_pem, sealed::Scope::strict));
    print_object(out, resealed);
  }
  return {};
}

// A key file of --recovery-private-key: PEM private keys, or key Secrets (YAML or JSON, a
// v1 List too) as backed up from the cluster.
Result<std::vector<sealed::KeyPair>> recovery_keys(const Flags& flags) {
  std::vector<sealed::KeyPair> keys;
  for (const std::string& path : flags.all("--recovery-private-key")) {
    std::string text = TRY(read_file_text(path, "--recovery-private-key"));
    if (text.find("-----BEGIN") != std::string::npos &&
        text.find("PRIVATE KEY-----") != std::string::npos) {
      keys.push_back(sealed::KeyPair{
          .name = path, .private_key_pem = text, .certificate_pem = {}, .created = {}});
      continue;
    }
    for (const Node& document : TRY(read_documents(text, path))) {
      const Node* items = document.find("items");
      std::vector<Node> secrets;
      if (items != nullptr && items->is_list())
        secrets.assign(items->items().begin(), items->items().end());
      else
        secrets.push_back(document);
      for (const Node& secret : secrets)
        keys.push_back(TRY(sealed::key_from_secret(secret)));
    }
  }
  if (keys.empty()) return fail("--recovery-unseal needs --recovery-private-key");
  return keys;
}

// kubeseal --recovery-unseal: the Secrets the input SealedSecrets unseal to, with keys from
// files (disaster recovery; the output holds the plaintext, base64 as in any Secret).
Result<void> recovery_unseal(const Flags& flags, Output& out) {
  std::string input = TRY(read_input(flags));
  auto keys = TRY(recovery_keys(flags));
  for (const Node& sealed_secret : TRY(read_documents(input, "input")))
    print_object(out, TRY(sealed::unseal_object(sealed_secret, keys)));
  return {};
}

Result<void> run_seal(const Flags& flags) {
  if (!flags.positional.empty()) return fail("unexpected argument ", flags.positional.front());
  Output out;
  out.format = flags.value("--format", "json");
  if (out.format != "json" && out.format != "yaml")
    return fail("unsupported output format: ", out.format);
  sealed::Scope scope = TRY(sealed::parse_scope(flags.value("--scope")));
  if (!flags.all("--from-file").empty() && !flags.has("--raw"))
    return fail("--from-file requires --raw");
  // --re-encrypt with only -f writes back to that file, as kubeseal does.
  if (flags.has("--re-encrypt") && !flags.has_value("--sealed-secret-file"))
    out.path = flags.value("--secret-file");
  if (flags.has_value("--sealed-secret-file")) out.path = flags.value("--sealed-secret-file");
  if (out.path.ends_with(".yaml") || out.path.ends_with(".yml")) out.format = "yaml";

  if (flags.has("--recovery-unseal"))
    TRY_VOID(recovery_unseal(flags, out));
  else if (flags.has("--validate"))
    return validate(flags);
  else if (flags.has("--re-encrypt"))
    TRY_VOID(re_encrypt(flags, out));
  else if (flags.has("--fetch-cert"))
    out.text = TRY(certificate(flags));
  else if (flags.has_value("--merge-into"))
    return merge_into(flags, scope, out);
  else if (flags.has("--raw"))
    TRY_VOID(seal_raw(flags, scope, out));
  else
    TRY_VOID(seal_secrets(flags, scope, out));
  return write_output(out);
}

}  // namespace

int seal_command(std::span<const std::string_view> args) {
  FlagSpec spec;
  spec.booleans = {"--fetch-cert",      "--raw", "--re-encrypt", "--validate", "--allow-empty-data",
                   "--recovery-unseal", "--help"};
  spec.values = {"--secret-file",
                 "--sealed-secret-file",
                 "--format",
                 "--scope",
                 "--cert",
                 "--name",
                 "--namespace",
                 "--merge-into",
                 "--controller-namespace",
                 "--controller-name",
                 "--kubeconfig",
                 "--context"};
  spec.repeated = {"--from-file", "--recovery-private-key"};
  spec.aliases = {{"-f", "--secret-file"}, {"-w", "--sealed-secret-file"},
                  {"-o", "--format"},      {"-n", "--namespace"},
                  {"-h", "--help"},        {"--rotate", "--re-encrypt"}};
  auto flags = parse_flags(args, spec);
  if (!flags) {
    std::fprintf(stderr, "error: %s\n\n%s", flags.error().message().c_str(), k_usage);
    return 2;
  }
  if (flags->has("--help")) {
    std::fputs(k_usage, stdout);
    return 0;
  }
  auto done = run_seal(*flags);
  if (!done) return failed(done.error().message());
  return 0;
}

}  // namespace plumb::cli

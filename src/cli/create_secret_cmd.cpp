// plumb create secret generic|tls|docker-registry NAME ...: a Secret as `kubectl create
// secret` builds it (values from --from-literal, --from-file, --from-env-file with kustomize's
// secretGenerator rules; a TLS pair; a registry's .dockerconfigjson). With --export prints its
// YAML (ready for `plumb sops encrypt -`), otherwise applies it server-side. Values never
// appear in errors or progress lines.
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <algorithm>

#include <cstdio>
#include <memory>
#include <optional>

#include "cli/cli.hpp"
#include "cli/flux_common.hpp"
#include "cli/flux_manifests.hpp"
#include "cli/flux_wait.hpp"
#include "core/base64.hpp"
#include "core/fs.hpp"
#include "core/json.hpp"
#include "localcluster/validate_support.hpp"
#include "render/loader.hpp"
#include "render/plugin.hpp"

namespace plumb::cli {
namespace {

using namespace flux;

constexpr std::string_view k_usage =
    "Usage: plumb create secret generic NAME [--from-literal K=V]... [--from-file [K=]PATH]...\n"
    "                                       [--from-env-file PATH]... [--type T] [flags]\n"
    "       plumb create secret tls NAME --cert FILE --key FILE [flags]\n"
    "       plumb create secret docker-registry NAME --docker-server S --docker-username U\n"
    "                                       --docker-password P [--docker-email E] [flags]\n\n"
    "Makes a Secret as `kubectl create secret` does. With --export prints its YAML, to keep\n"
    "in Git encrypted (`plumb create secret ... --export | plumb sops encrypt --age R -`);\n"
    "otherwise applies it (server-side apply).\n\n"
    "Flags:\n"
    "  --from-literal K=V         a key and its value (repeatable)\n"
    "  --from-file [K=]PATH       a file's content under K, or under its file name (repeatable)\n"
    "  --from-env-file PATH       KEY=VALUE lines, # comments (repeatable)\n"
    "  --type T                   the Secret type (default Opaque)\n"
    "  --cert FILE, --key FILE    tls: the PEM certificate and key\n"
    "  --docker-server, --docker-username, --docker-password, --docker-email   docker-registry\n"
    "  --export                   print the YAML, touch nothing\n"
    "  -n, --namespace NS         the namespace (default flux-system)\n"
    "  --kubeconfig FILE, --context NAME\n";

const kube::Resource k_secrets{"", "v1", "Secret", "secrets", true};

// The API server's rule for a Secret's keys (IsConfigMapKey), as the embedded one checks it.
Result<void> check_key(std::string_view key) {
  localcluster::validation::Messages problems = localcluster::validation::config_map_key(key);
  if (problems.empty()) return {};
  std::string why;
  for (const std::string& problem : problems)
    why += (why.empty() ? "" : "; ") + problem;
  return fail("\"", key, "\" is not a valid key name for a Secret: ", why);
}

// A key added once; kubectl's error when it repeats.
Result<void> add_value(Node& data, const std::string& key, std::string_view value) {
  TRY_VOID(check_key(key));
  if (data.find(key)) {
    return fail("cannot add key ", key, ", another key by that name already exists");
  }
  data.set(key, Node::string(base64_encode(value)));
  return {};
}

// kubectl's rules: a literal is split at its first '=' and kept as written (quotes too); a
// file source that is a directory gives each regular file in it under its name; env files
// do not mix with the other two.
Result<Node> generic_data(const Flags& flags, const render::Loader& loader) {
  const auto& envs = flags.all("--from-env-file");
  const auto& literals = flags.all("--from-literal");
  const auto& files = flags.all("--from-file");
  if (!envs.empty() && (!literals.empty() || !files.empty())) {
    return fail("from-env-file cannot be combined with from-file or from-literal");
  }
  Node data = Node::map();
  for (const std::string& path : envs) {
    for (const render::GeneratorPair& pair : TRY(render::read_env_file(loader, path)))
      TRY_VOID(add_value(data, pair.key, pair.value));
  }
  for (const std::string& literal : literals) {
    size_t eq = literal.find('=');
    if (eq == std::string::npos || eq == 0) {
      return fail("--from-literal: expected KEY=VALUE, got a value without a key");
    }
    TRY_VOID(add_value(data, literal.substr(0, eq), std::string_view(literal).substr(eq + 1)));
  }
  for (const std::string& source : files) {
    size_t eq = source.find('=');
    std::string key = eq == std::string::npos ? "" : source.substr(0, eq);
    std::string path = eq == std::string::npos ? source : source.substr(eq + 1);
    if (loader.is_dir(path)) {
      if (!key.empty()) return fail("cannot give a key name for a directory path: ", path);
      for (const std::string& name : TRY(loader.fs().list_dir(path))) {
        std::string file = path + "/" + name;
        if (!loader.is_file(file)) continue;
        std::string content = TRY(loader.load(file));
        TRY_VOID(add_value(data, name, content));
      }
      continue;
    }
    if (key.empty()) key = std::string(base_name(path));
    std::string content = TRY(loader.load(path));
    TRY_VOID(add_value(data, key, content));
  }
  return data;
}

// kubectl refuses a pair that does not load (tls.X509KeyPair): the certificate must parse, and
// the key must be its private key.
Result<void> check_key_pair(const std::string& cert_pem, const std::string& key_pem,
                            std::string_view cert_path, std::string_view key_path) {
  using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
  // No passphrase prompt on the terminal: an encrypted key is refused.
  pem_password_cb* no_passphrase = [](char*, int, int, void*) { return 0; };
  Bio cert_bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(cert_bio.get(), nullptr, no_passphrase, nullptr), X509_free);
  if (!cert) return fail("--cert ", cert_path, ": not a PEM certificate");
  Bio key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, no_passphrase, nullptr), EVP_PKEY_free);
  ERR_clear_error();
  if (!key) return fail("--key ", key_path, ": not a PEM private key");
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return fail("--key ", key_path, ": not the private key of --cert ", cert_path);
  }
  return {};
}

Result<Node> tls_data(const Flags& flags, const render::Loader& loader) {
  if (!flags.has_value("--cert") || !flags.has_value("--key")) {
    return fail("tls needs --cert and --key");
  }
  std::string cert = TRY(loader.load(flags.value("--cert")));
  std::string key = TRY(loader.load(flags.value("--key")));
  TRY_VOID(check_key_pair(cert, key, flags.value("--cert"), flags.value("--key")));
  Node data = Node::map();
  data.set("tls.crt", Node::string(base64_encode(cert)));
  data.set("tls.key", Node::string(base64_encode(key)));
  return data;
}

// {"auths":{SERVER:{"username","password","email","auth"}}} as kubectl writes it.
Result<Node> docker_data(const Flags& flags) {
  for (std::string_view flag : {"--docker-server", "--docker-username", "--docker-password"}) {
    if (!flags.has_value(flag)) return fail("docker-registry needs ", flag);
  }
  std::string user = flags.value("--docker-username");
  std::string password = flags.value("--docker-password");
  Node entry = Node::map();
  entry.set("username", Node::string(user));
  entry.set("password", Node::string(password));
  if (flags.has_value("--docker-email")) {
    entry.set("email", Node::string(flags.value("--docker-email")));
  }
  entry.set("auth", Node::string(base64_encode(user + ":" + password)));
  Node auths = Node::map();
  auths.set(flags.value("--docker-server"), std::move(entry));
  Node config = Node::map();
  config.set("auths", std::move(auths));
  Node data = Node::map();
  data.set(".dockerconfigjson", Node::string(base64_encode(to_json(config))));
  return data;
}

struct Variant {
  std::string_view word;
  std::string_view type;  // the Secret type it makes
  std::vector<std::string_view> flags;
};

const std::vector<Variant>& variants() {
  static const std::vector<Variant> all = {
      {"generic", "Opaque", {"--from-literal", "--from-file", "--from-env-file", "--type"}},
      {"tls", "kubernetes.io/tls", {"--cert", "--key"}},
      {"docker-registry",
       "kubernetes.io/dockerconfigjson",
       {"--docker-server", "--docker-username", "--docker-password", "--docker-email"}},
  };
  return all;
}

// A flag of another kind of secret, given to this one.
std::optional<std::string_view> foreign_flag(const Variant& variant, const Flags& flags) {
  for (const Variant& other : variants()) {
    for (std::string_view flag : other.flags) {
      bool mine =
          std::find(variant.flags.begin(), variant.flags.end(), flag) != variant.flags.end();
      if (!mine && flags.has_value(flag)) return flag;
    }
  }
  return std::nullopt;
}

Result<Node> secret_from(const Variant& variant, const Flags& flags, const std::string& name) {
  auto fs = make_disk_fs();
  render::Loader loader = TRY(render::Loader::at(*fs, ".", render::LoadRestrictor::none));
  Node data = variant.word == "generic" ? TRY(generic_data(flags, loader))
              : variant.word == "tls"   ? TRY(tls_data(flags, loader))
                                        : TRY(docker_data(flags));
  Node metadata = Node::map();
  metadata.set("name", Node::string(name));
  metadata.set("namespace", Node::string(namespace_of(flags)));
  Node secret = Node::map();
  secret.set("apiVersion", Node::string("v1"));
  secret.set("kind", Node::string("Secret"));
  secret.set("metadata", std::move(metadata));
  // kubectl leaves Opaque to the API server's default.
  std::string type = flags.value("--type", variant.type);
  if (type != "Opaque") secret.set("type", Node::string(type));
  if (!data.empty()) secret.set("data", std::move(data));
  return secret;
}

}  // namespace

int create_secret_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--export"},
                .values = {"--type", "--cert", "--key", "--docker-server", "--docker-username",
                           "--docker-password", "--docker-email"},
                .repeated = {"--from-literal", "--from-file", "--from-env-file"}};
  add_flux_flags(spec);
  Parsed parsed = parse_or_usage(args, spec, "create secret", k_usage);
  if (!parsed.flags) return parsed.exit;
  const Flags& flags = *parsed.flags;
  const std::vector<std::string>& words = flags.positional;
  if (words.empty()) return usage("create secret", "missing the kind of secret", k_usage);
  const Variant* variant = nullptr;
  for (const Variant& v : variants()) {
    if (v.word == words[0]) variant = &v;
  }
  if (variant == nullptr) {
    return usage("create secret",
                 "unknown kind of secret \"" + words[0] + "\" (generic, tls or docker-registry)",
                 k_usage);
  }
  if (words.size() != 2) return usage("create secret", "expected one NAME", k_usage);
  if (auto flag = foreign_flag(*variant, flags)) {
    return usage("create secret",
                 "flag " + std::string(*flag) + " is not for secret " + std::string(variant->word),
                 k_usage);
  }
  auto secret = secret_from(*variant, flags, words[1]);
  if (!secret) return failed(secret.error());
  if (flags.has("--export")) {
    std::string text = export_yaml(*secret);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  auto session = connect(flags);
  if (!session) return failed(session.error());
  auto existing = session->client->get(k_secrets, namespace_of(flags), words[1]);
  if (!existing) return failed(existing.error());
  say(Mark::action, "applying Secret");
  auto applied = session->client->apply(k_secrets, *secret, k_manager_create, kube::Force::yes,
                                        kube::DryRun::no);
  if (!applied) return failed(applied.error());
  say(Mark::success, std::string("Secret ") + (*existing ? "updated" : "created"));
  return 0;
}

}  // namespace plumb::cli

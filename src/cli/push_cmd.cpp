// plumb push artifact oci://HOST/REPO:TAG --path DIR --source URL --revision REV: `flux push
// artifact` — the directory as a reproducible tar+gzip (source/tarball.hpp) pushed with Flux's
// media types and annotations (org.opencontainers.image.source/revision/created) through
// source::oci; prints the manifest's digest on stdout, what was pushed on stderr.
#include <cstdio>
#include <string>

#include "cli/cli.hpp"
#include "cli/flags.hpp"
#include "source/oci.hpp"
#include "source/tarball.hpp"

namespace plumb::cli {
namespace {

constexpr const char* k_usage =
    "Usage: plumb push artifact oci://HOST/REPOSITORY:TAG --path DIR --source URL "
    "--revision REV [flags]\n\n"
    "Pushes the files of DIR as a Flux artifact (tar+gzip, Flux's media types), as\n"
    "`flux push artifact` does; prints the manifest's digest.\n\n"
    "Flags:\n"
    "      --path DIR          the directory to push (.git left out)\n"
    "      --source URL        org.opencontainers.image.source (the Git URL, say)\n"
    "      --revision REV      org.opencontainers.image.revision (\"main@sha1:...\")\n"
    "      --creds USER:PASS   registry credentials\n"
    "      --insecure          plain HTTP (a registry without TLS)\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "plumb push: %s\n\n%s", message.c_str(), k_usage);
  return 2;
}

}  // namespace

int push_command(std::span<const std::string_view> args) {
  FlagSpec spec{.booleans = {"--insecure", "--help"},
                .values = {"--path", "--source", "--revision", "--creds"},
                .aliases = {{"-h", "--help"}}};
  auto flags = parse_flags(args, spec);
  if (!flags) return usage_error(flags.error().message());
  if (flags->has("--help")) {
    std::printf("%s", k_usage);
    return 0;
  }
  if (flags->positional.size() != 2 || flags->positional[0] != "artifact")
    return usage_error("expected `artifact` and an oci:// reference");
  const std::string& url = flags->positional[1];
  if (!url.starts_with("oci://")) return usage_error("the URL must start with oci://: " + url);
  auto reference = source::oci::parse_reference(url);
  if (!reference) return usage_error(reference.error().message());
  if (reference->tag.empty() || !reference->digest.empty())
    return usage_error("the reference must name a tag (oci://HOST/REPOSITORY:TAG): " + url);
  for (std::string_view required : {"--path", "--source", "--revision"}) {
    if (flags->value(required).empty()) return usage_error(std::string(required) + " is required");
  }
  source::oci::RegistryOptions options;
  options.plain_http = flags->has("--insecure");
  if (std::string creds = flags->value("--creds"); !creds.empty()) {
    size_t colon = creds.find(':');
    if (colon == std::string::npos) return usage_error("--creds must be USER:PASSWORD");
    options.username = creds.substr(0, colon);
    options.password = creds.substr(colon + 1);
  }
  auto tgz = source::tar_gz_directory(flags->value("--path"));
  if (!tgz) {
    std::fprintf(stderr, "plumb push: %s\n", tgz.error().message().c_str());
    return 1;
  }
  source::oci::Registry registry(reference->registry, std::move(options));
  auto pushed = source::oci::push_artifact(
      registry, reference->repository, reference->tag, *tgz,
      {{"org.opencontainers.image.source", flags->value("--source")},
       {"org.opencontainers.image.revision", flags->value("--revision")}});
  if (!pushed) {
    std::fprintf(stderr, "plumb push: %s\n", pushed.error().message().c_str());
    return 1;
  }
  std::fprintf(stderr, "artifact successfully pushed to %s/%s:%s\n", reference->registry.c_str(),
               reference->repository.c_str(), pushed->tag.c_str());
  std::printf("%s\n", pushed->digest.c_str());
  return 0;
}

}  // namespace plumb::cli

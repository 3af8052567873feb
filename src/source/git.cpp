#include "source/git.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <utility>

#include "core/base64.hpp"
#include "source/ca_trust.hpp"
#include "source/digest.hpp"
#include "source/git2.hpp"
#include "source/git_tree_fs.hpp"
#include "sprig/semver.hpp"

namespace plumb::source {

LazyLibrary& git2_library() {
  static LazyLibrary library({"libgit2.so." LIBGIT2_SOVERSION}, "git sources (libgit2)");
  return library;
}

namespace {

// libgit2 keeps parsed objects in a per-repository cache, but by default only objects up to
// 4 KiB: a directory of 1000 apps is a 40 KiB tree that every path below it would inflate and
// parse again. Trees are what GitTreeFs walks, so they are cached whatever their size (the
// cache's total stays bounded by libgit2's 256 MiB default).
constexpr size_t k_tree_cache_limit = size_t(64) << 20;

void init_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, k_tree_cache_limit);
  });
}

std::string last_git_error(std::string_view what) {
  const git_error* e = git_error_last();
  return std::string(what) + ": " + (e && e->message ? e->message : "unknown error");
}

std::string oid_hex(const git_oid& id) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &id);
  return hex;
}

std::string short_hash(std::string_view text) {
  return sha256_hex(text).substr(0, 16);
}

// What the callbacks of one remote operation need.
struct CallbackState {
  const GitAuth* auth;
  const CaTrust* ca = nullptr;  // ca.crt, when the Secret has one
  int attempts = 0;
  std::string certificate_error;
};

int credentials(git_credential** out, const char*, const char* username_from_url,
                unsigned int allowed, void* payload) {
  auto* state = static_cast<CallbackState*>(payload);
  const GitAuth& auth = *state->auth;
  if (++state->attempts > 1) return GIT_EAUTH;  // the server refused what we had
  if ((allowed & GIT_CREDENTIAL_SSH_MEMORY) && !auth.identity.empty()) {
    const char* user = username_from_url ? username_from_url : "git";
    return git_credential_ssh_key_memory_new(
        out, user, nullptr, auth.identity.c_str(),
        auth.password.empty() ? nullptr : auth.password.c_str());
  }
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !auth.password.empty()) {
    std::string user = auth.username.empty() ? "git" : auth.username;
    return git_credential_userpass_plaintext_new(out, user.c_str(), auth.password.c_str());
  }
  return GIT_PASSTHROUGH;
}

// For https: trusted by the system's certificate authorities (libgit2 checked), or else by
// ca.crt.
int check_tls_certificate(const git_cert_x509& cert, int valid, const std::string& host,
                          CallbackState& state) {
  if (valid) return 0;
  std::string error =
      "TLS certificate of " + host + " is not trusted by the system's certificate authorities";
  if (!state.ca) {
    state.certificate_error = error + " (no ca.crt given)";
    return GIT_ECERTIFICATE;
  }
  auto by_ca = state.ca->verify({static_cast<const unsigned char*>(cert.data), cert.len}, host);
  if (!by_ca) {
    state.certificate_error = error + " nor by ca.crt: " + by_ca.error().message();
    return GIT_ECERTIFICATE;
  }
  git_error_clear();
  return 0;
}

// Every connection's certificate check. For ssh the host key must be listed in known_hosts
// (compared by SHA-256 of the key blob).
int check_certificate(git_cert* cert, int valid, const char* host, void* payload) {
  auto* state = static_cast<CallbackState*>(payload);
  if (cert->cert_type == GIT_CERT_X509) {
    return check_tls_certificate(*reinterpret_cast<git_cert_x509*>(cert), valid, host, *state);
  }
  if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2) return valid ? 0 : GIT_PASSTHROUGH;
  auto* hostkey = reinterpret_cast<git_cert_hostkey*>(cert);
  if (state->auth->known_hosts.empty()) {
    state->certificate_error = "no known_hosts given for " + std::string(host);
    return GIT_ECERTIFICATE;
  }
  if (!(hostkey->type & GIT_CERT_SSH_SHA256)) return GIT_ECERTIFICATE;
  std::string_view lines = state->auth->known_hosts;
  while (!lines.empty()) {
    std::string_view line = lines.substr(0, lines.find('\n'));
    lines.remove_prefix(std::min(lines.size(), line.size() + 1));
    // "host[,host...] keytype base64key [comment]"
    size_t a = line.find(' '), b = a == std::string_view::npos ? a : line.find(' ', a + 1);
    if (b == std::string_view::npos) continue;
    std::string_view key = line.substr(b + 1, line.find(' ', b + 1) - b - 1);
    auto blob = base64_decode(key);
    if (!blob) continue;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(blob->data(), blob->size(), digest, &length, EVP_sha256(), nullptr);
    if (length == 32 && std::equal(digest, digest + 32, hostkey->hash_sha256)) return 0;
  }
  state->certificate_error = "host key of " + std::string(host) + " is not in known_hosts";
  return GIT_ECERTIFICATE;
}

struct RemoteOptions {
  git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
  std::string header;
  char* header_ptr = nullptr;
  git_strarray headers{nullptr, 0};
  CallbackState state;

  RemoteOptions(const GitAuth& auth, const std::optional<CaTrust>& ca)
      : state{&auth, ca ? &*ca : nullptr} {
    callbacks.credentials = credentials;
    callbacks.certificate_check = check_certificate;
    callbacks.payload = &state;
    if (!auth.bearer_token.empty()) {
      header = "Authorization: Bearer " + auth.bearer_token;
      header_ptr = header.data();
      headers = {&header_ptr, 1};
    }
  }
  RemoteOptions(const RemoteOptions&) = delete;

  std::string error(std::string_view what) const {
    return state.certificate_error.empty() ? last_git_error(what)
                                           : std::string(what) + ": " + state.certificate_error;
  }
};

// The ref names the remote advertises, with the commit each points at (tags peeled).
using RemoteRefs = std::map<std::string, std::string>;

// What a remote advertises: its refs and the branch its HEAD points at ("" when it has none).
struct Advertised {
  RemoteRefs refs;
  std::string default_branch;
};

// "the branches are: main, dev" (what a user needs after naming a branch that does not exist).
std::string branches_of(const RemoteRefs& refs) {
  std::string names;
  for (const auto& [name, commit] : refs) {
    if (!name.starts_with("refs/heads/")) continue;
    names += (names.empty() ? "" : ", ") + name.substr(11);
  }
  return names.empty() ? "the repository has no branches (no commit yet?)"
                       : "the branches are: " + names;
}

std::string describe(const GitRef& ref) {
  if (!ref.commit.empty()) return "commit " + ref.commit;
  if (!ref.name.empty()) return "ref " + ref.name;
  if (!ref.semver.empty()) return "semver " + ref.semver;
  if (!ref.tag.empty()) return "tag " + ref.tag;
  return "branch " + (ref.branch.empty() ? std::string("master") : ref.branch);
}

}  // namespace

// The "origin" remote, looked up afresh for each operation: libgit2 1.5 keeps the HTTP client
// of a remote's first connection, with the callback payload of that first operation, so a
// remote object is never used for a second one.
class Remote {
 public:
  static Result<Remote> origin(git_repository* repo, const std::string& url) {
    Remote remote;
    if (git_remote_lookup(&remote.m_remote, repo, "origin") != 0) {
      return fail(last_git_error("git: " + url));
    }
    return remote;
  }
  Remote(Remote&& other) noexcept : m_remote(std::exchange(other.m_remote, nullptr)) {}
  Remote& operator=(Remote&&) = delete;
  ~Remote() { git_remote_free(m_remote); }
  git_remote* get() const { return m_remote; }

 private:
  Remote() = default;
  git_remote* m_remote = nullptr;
};

struct GitSource::Impl {
  std::string url;
  git_repository* repo = nullptr;

  ~Impl() { git_repository_free(repo); }

  Result<Advertised> list_remote(const GitAuth& auth) {
    auto ca = TRY(CaTrust::parse(auth.ca_pem));
    RemoteOptions options(auth, ca);
    Remote origin = TRY(Remote::origin(repo, url));
    git_remote* remote = origin.get();
    if (git_remote_connect(remote, GIT_DIRECTION_FETCH, &options.callbacks, nullptr,
                           &options.headers) != 0) {
      return fail(options.error("git: " + url));
    }
    const git_remote_head** heads = nullptr;
    size_t count = 0;
    Advertised advertised;
    RemoteRefs& refs = advertised.refs;
    if (git_remote_ls(&heads, &count, remote) == 0) {
      for (size_t i = 0; i < count; ++i) {
        std::string name = heads[i]->name;
        std::string commit = oid_hex(heads[i]->oid);
        if (name.ends_with("^{}")) {
          refs[name.substr(0, name.size() - 3)] = commit;  // the peeled commit wins
        } else {
          refs.emplace(std::move(name), std::move(commit));
        }
      }
    }
    git_buf head = GIT_BUF_INIT;
    if (git_remote_default_branch(&head, remote) == 0) {
      std::string_view name(head.ptr, head.size);
      if (name.starts_with("refs/heads/")) advertised.default_branch = name.substr(11);
    }
    git_buf_dispose(&head);
    git_remote_disconnect(remote);
    return advertised;
  }

  Result<Revision> pick(const GitRef& ref, const RemoteRefs& refs) {
    auto at = [&](const std::string& name) -> const std::string* {
      auto it = refs.find(name);
      return it == refs.end() ? nullptr : &it->second;
    };
    if (!ref.commit.empty()) {
      std::string label = ref.branch.empty() ? "" : ref.branch + "@";
      return Revision{ref.commit, label + "sha1:" + ref.commit};
    }
    if (!ref.name.empty()) {
      const std::string* c = at(ref.name);
      if (!c) return fail("git: ", url, ": reference ", ref.name, " not found");
      return Revision{*c, ref.name + "@sha1:" + *c};
    }
    if (!ref.semver.empty()) {
      std::vector<std::string> tags;
      for (const auto& [name, commit] : refs) {
        if (name.starts_with("refs/tags/")) tags.push_back(name.substr(10));
      }
      auto best = TRY(highest_matching_tag(tags, ref.semver));
      if (!best) return fail("git: ", url, ": no tag matches semver range ", ref.semver);
      const std::string& c = *at("refs/tags/" + *best);
      return Revision{c, *best + "@sha1:" + c};
    }
    if (!ref.tag.empty()) {
      const std::string* c = at("refs/tags/" + ref.tag);
      if (!c) return fail("git: ", url, ": tag ", ref.tag, " not found");
      return Revision{*c, ref.tag + "@sha1:" + *c};
    }
    std::string branch = ref.branch.empty() ? "master" : ref.branch;
    const std::string* c = at("refs/heads/" + branch);
    if (!c) return fail("git: ", url, ": branch ", branch, " not found; ", branches_of(refs));
    return Revision{*c, branch + "@sha1:" + *c};
  }

  Result<void> fetch_refspecs(std::vector<std::string> refspecs, const GitAuth& auth) {
    std::vector<char*> pointers;
    for (std::string& spec : refspecs)
      pointers.push_back(spec.data());
    git_strarray specs{pointers.data(), pointers.size()};
    auto ca = TRY(CaTrust::parse(auth.ca_pem));
    RemoteOptions options(auth, ca);
    git_fetch_options fetch = GIT_FETCH_OPTIONS_INIT;
    fetch.callbacks = options.callbacks;
    fetch.custom_headers = options.headers;
    fetch.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    Remote origin = TRY(Remote::origin(repo, url));
    if (git_remote_fetch(origin.get(), &specs, &fetch, nullptr) != 0) {
      return fail(options.error("git: fetch " + url));
    }
    return {};
  }

  bool has_commit(const std::string& hex) {
    git_oid id;
    if (git_oid_fromstr(&id, hex.c_str()) != 0) return false;
    git_commit* commit = nullptr;
    if (git_commit_lookup(&commit, repo, &id) != 0) return false;
    git_commit_free(commit);
    return true;
  }
};

GitSource::GitSource(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
GitSource::~GitSource() = default;
GitSource::GitSource(GitSource&&) noexcept = default;
GitSource& GitSource::operator=(GitSource&&) noexcept = default;

const std::string& GitSource::url() const {
  return m_impl->url;
}

Result<GitSource> GitSource::open(const std::string& cache_dir, const std::string& url) {
  init_libgit2();
  auto impl = std::make_unique<Impl>();
  impl->url = url;
  std::string path = cache_dir + "/" + short_hash(url) + ".git";
  std::error_code ec;
  std::filesystem::create_directories(cache_dir, ec);
  if (git_repository_open_bare(&impl->repo, path.c_str()) != 0 &&
      git_repository_init(&impl->repo, path.c_str(), 1) != 0) {
    return fail(last_git_error("git: cannot create cache " + path));
  }
  git_remote* remote = nullptr;
  if (git_remote_lookup(&remote, impl->repo, "origin") != 0 &&
      git_remote_create(&remote, impl->repo, "origin", url.c_str()) != 0) {
    return fail(last_git_error("git: " + url));
  }
  git_remote_free(remote);
  return GitSource(std::move(impl));
}

Result<Revision> GitSource::remote_revision(const GitRef& ref, const GitAuth& auth) {
  Advertised advertised = TRY(m_impl->list_remote(auth));
  return m_impl->pick(ref, advertised.refs);
}

Result<std::string> GitSource::default_branch(const GitAuth& auth) {
  Advertised advertised = TRY(m_impl->list_remote(auth));
  return advertised.default_branch;
}

Result<Revision> GitSource::fetch(const GitRef& ref, const GitAuth& auth) {
  RemoteRefs refs = TRY(m_impl->list_remote(auth)).refs;
  Revision revision = TRY(m_impl->pick(ref, refs));
  if (m_impl->has_commit(revision.commit)) return revision;  // the remote did not move

  // Fetch the one ref that leads to the commit (all branches for a bare commit).
  std::string refspec = "+refs/heads/*:refs/remotes/origin/*";
  if (!ref.commit.empty() && !ref.branch.empty()) {
    refspec = "+refs/heads/" + ref.branch + ":refs/remotes/origin/" + ref.branch;
  } else if (ref.commit.empty()) {
    std::string name =
        !ref.name.empty() ? ref.name
        : !ref.semver.empty() || !ref.tag.empty()
            ? "refs/tags/" + revision.text.substr(0, revision.text.find('@'))
            : "refs/heads/" + (ref.branch.empty() ? std::string("master") : ref.branch);
    refspec = "+" + name + ":refs/plumb/" + name.substr(5);
  }
  TRY_VOID(m_impl->fetch_refspecs({refspec}, auth));
  if (!m_impl->has_commit(revision.commit)) {
    return fail("git: ", m_impl->url, ": ", describe(ref), ": commit ", revision.commit,
                " not found after fetch");
  }
  return revision;
}

namespace {

bool is_full_commit_id(std::string_view ref) {
  return ref.size() == GIT_OID_HEXSZ && std::all_of(ref.begin(), ref.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The advertised ref `git fetch URL <ref>` picks (git's ref rules), or nullptr.
const std::pair<const std::string, std::string>* match_git_ref(const RemoteRefs& refs,
                                                               const std::string& ref) {
  for (const char* pattern : {"%s", "refs/%s", "refs/tags/%s", "refs/heads/%s", "refs/remotes/%s",
                              "refs/remotes/%s/HEAD"}) {
    std::string name(pattern);
    name.replace(name.find("%s"), 2, ref);
    if (auto it = refs.find(name); it != refs.end()) return &*it;
  }
  return nullptr;
}

}  // namespace

Result<Revision> GitSource::fetch_git_ref(const std::string& ref, const GitAuth& auth) {
  std::string wanted = ref.empty() ? "HEAD" : ref;
  if (is_full_commit_id(wanted) && m_impl->has_commit(wanted)) {
    return Revision{wanted, "sha1:" + wanted};
  }
  RemoteRefs refs = TRY(m_impl->list_remote(auth)).refs;
  std::vector<std::string> refspecs;
  Revision revision;
  if (is_full_commit_id(wanted)) {
    revision = Revision{wanted, "sha1:" + wanted};
    // The ref that leads to it, else every branch and tag.
    for (const auto& [name, commit] : refs) {
      if (commit == wanted && name.starts_with("refs/")) {
        refspecs = {"+" + name + ":refs/plumb/" + name.substr(5)};
        break;
      }
    }
    if (refspecs.empty()) {
      refspecs = {"+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"};
    }
  } else {
    const auto* match = match_git_ref(refs, wanted);
    if (match == nullptr) return fail("no such ref");
    const auto& [name, commit] = *match;
    revision = Revision{commit, wanted + "@sha1:" + commit};
    if (m_impl->has_commit(commit)) return revision;
    if (name.starts_with("refs/")) {
      refspecs = {"+" + name + ":refs/plumb/" + name.substr(5)};
    } else {
      // HEAD: the branch it points at is among the branches.
      refspecs = {"+refs/heads/*:refs/remotes/origin/*"};
    }
  }
  TRY_VOID(m_impl->fetch_refspecs(std::move(refspecs), auth));
  if (!m_impl->has_commit(revision.commit)) {
    return fail("commit ", revision.commit, " not found after fetch");
  }
  return revision;
}

Result<std::unique_ptr<FileSystem>> GitSource::files(const std::string& commit_hex) const {
  git_oid id;
  if (git_oid_fromstr(&id, commit_hex.c_str()) != 0) return fail("git: bad commit ", commit_hex);
  git_commit* commit = nullptr;
  if (git_commit_lookup(&commit, m_impl->repo, &id) != 0) {
    // 404: the caller may wait for a fetch instead of failing.
    return std::unexpected(
        Error("git: " + m_impl->url + ": commit " + commit_hex + " is not fetched", 404));
  }
  git_tree* tree = nullptr;
  int rc = git_commit_tree(&tree, commit);
  git_commit_free(commit);
  if (rc != 0) return fail(last_git_error("git: tree of " + commit_hex));
  return std::unique_ptr<FileSystem>(new GitTreeFs(m_impl->repo, tree));
}

Result<CommitInfo> GitSource::commit_info(const std::string& commit_hex) const {
  git_oid id;
  if (git_oid_fromstr(&id, commit_hex.c_str()) != 0) return fail("git: bad commit ", commit_hex);
  git_commit* commit = nullptr;
  if (git_commit_lookup(&commit, m_impl->repo, &id) != 0)
    return std::unexpected(
        Error("git: " + m_impl->url + ": commit " + commit_hex + " is not fetched", 404));
  CommitInfo info;
  if (const char* message = git_commit_message(commit)) info.message = message;
  while (!info.message.empty() && info.message.back() == '\n')
    info.message.pop_back();
  if (const git_signature* author = git_commit_author(commit))
    info.author = std::string(author->name ? author->name : "") + " <" +
                  (author->email ? author->email : "") + ">";
  git_commit_free(commit);
  return info;
}

Result<std::optional<std::string>> highest_matching_tag(const std::vector<std::string>& tags,
                                                        const std::string& range_text) {
  auto range = sprig::SemConstraint::parse(range_text);
  if (!range) return fail("invalid semver range \"", range_text, "\"");
  std::optional<std::string> best;
  std::optional<sprig::SemVersion> best_version;
  for (const std::string& tag : tags) {
    auto v = sprig::SemVersion::parse(tag);
    if (!v || !range->check(*v)) continue;
    if (!best_version || v->compare(*best_version) > 0) {
      best_version = std::move(v);
      best = tag;
    }
  }
  return best;
}

}  // namespace plumb::source

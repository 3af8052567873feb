// plumb sops encrypt|decrypt|edit|updatekeys: SOPS files without the sops binary, written and
// read as sops v3.13 does (src/sops). Keys as the sops CLI finds them (sops/config.hpp):
// `.sops.yaml` creation rules from the working directory up, age keys from SOPS_AGE_KEY,
// SOPS_AGE_KEY_FILE and the user's sops keys file, PGP from the user's GnuPG keyring.
// Plaintext goes only to stdout, the output file or the editor's private temporary file;
// error messages name the file and what is wrong, never a value.
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "cli/cli.hpp"
#include "cli/flags.hpp"
#include "core/fs.hpp"
#include "core/yaml.hpp"
#include "sops/config.hpp"
#include "sops/sops.hpp"

extern char** environ;

namespace plumb::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_usage =
    "Usage: plumb sops COMMAND [flags] FILE\n\n"
    "SOPS files as sops v3.13 writes and reads them (age and PGP keys), no sops binary needed.\n\n"
    "Commands:\n"
    "  encrypt FILE|-      print FILE encrypted (or write it back with -i)\n"
    "  decrypt FILE|-      print FILE decrypted; the MAC is checked\n"
    "  edit FILE           decrypt into $SOPS_EDITOR or $EDITOR, encrypt again what changed\n"
    "  updatekeys FILE     wrap the data key for the keys the .sops.yaml rule names now\n\n"
    "Keys: encryption uses --age/--pgp, else the first creation rule of .sops.yaml (looked for\n"
    "from the working directory up) whose path_regex matches FILE. Decryption finds age keys in\n"
    "SOPS_AGE_KEY, SOPS_AGE_KEY_FILE and $XDG_CONFIG_HOME/sops/age/keys.txt\n"
    "(~/.config/sops/age/keys.txt), PGP keys in the GnuPG keyring ($GNUPGHOME or ~/.gnupg).\n\n"
    "Flags:\n"
    "  --age R1,R2           encrypt: age recipients (age1...)\n"
    "  --pgp FP1,FP2         encrypt: PGP fingerprints (public keys from the GnuPG keyring)\n"
    "  --encrypted-regex R, --unencrypted-regex R, --encrypted-suffix S,\n"
    "  --unencrypted-suffix S  encrypt: which values are encrypted (default: all but keys\n"
    "                        ending in _unencrypted)\n"
    "  --mac-only-encrypted  encrypt: the MAC covers the encrypted values only\n"
    "  --shamir-secret-sharing-threshold N  encrypt: key groups needed (several groups)\n"
    "  --input-type T, --output-type T  yaml, json, dotenv or binary (default: from the file\n"
    "                        name; yaml for -)\n"
    "  --filename-override NAME  the name FILE (or -) is matched and typed by\n"
    "  --extract PATH        decrypt: only this value, e.g. '[\"data\"][\"password\"]'\n"
    "  --ignore-mac          decrypt: do not check the MAC\n"
    "  -i, --in-place        encrypt/decrypt: write the result back to FILE\n"
    "  --output FILE         write the result to FILE instead of stdout\n"
    "  --config FILE         the .sops.yaml to use\n"
    "  -y, --yes             updatekeys: do not ask before changing the file\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "plumb sops: %s\n\n%s", message.c_str(), k_usage);
  return 2;
}

int failed(std::string_view what, const std::string& message) {
  std::fprintf(stderr, "plumb sops %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               message.c_str());
  return 1;
}

Result<std::string> read_input(const std::string& path) {
  std::stringstream s;
  if (path == "-") {
    s << std::cin.rdbuf();
    return s.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path, ": cannot read the file");
  s << in.rdbuf();
  return s.str();
}

Result<sops::Format> format_named(std::string_view flag, std::string_view name) {
  if (name == "yaml") return sops::Format::yaml;
  if (name == "json") return sops::Format::json;
  if (name == "dotenv") return sops::Format::dotenv;
  if (name == "binary") return sops::Format::binary;
  if (name == "ini") return sops::Format::ini;
  return fail(flag, ": unknown format \"", name, "\" (yaml, json, dotenv, binary or ini)");
}

// What a command reads: the file (or stdin), its name for rules and types, its formats.
struct Input {
  std::string path;  // as given ("-" for stdin)
  std::string name;  // absolute path the rules and the type go by
  sops::Format input_format = sops::Format::yaml;
  sops::Format output_format = sops::Format::yaml;
};

Result<Input> resolve_input(const Flags& flags) {
  if (flags.positional.size() != 1) return fail("expected one FILE (or - for stdin)");
  Input in;
  in.path = flags.positional.front();
  std::string name = flags.value("--filename-override", in.path == "-" ? "" : in.path);
  if (!name.empty()) in.name = fs::absolute(name).lexically_normal().string();
  in.input_format = name.empty() ? sops::Format::yaml : sops::format_from_path(name);
  if (flags.has_value("--input-type"))
    in.input_format = TRY(format_named("--input-type", flags.value("--input-type")));
  in.output_format = in.input_format;
  if (flags.has_value("--output-type"))
    in.output_format = TRY(format_named("--output-type", flags.value("--output-type")));
  return in;
}

// Writes the result: back to the file (-i, keeping its mode), to --output, or to stdout.
Result<void> write_result(const Flags& flags, const Input& in, std::string_view text) {
  std::string target;
  if (flags.has("--in-place")) {
    if (in.path == "-") return fail("-i needs a FILE, not stdin");
    target = in.path;
  } else if (flags.has_value("--output")) {
    target = flags.value("--output");
  }
  if (target.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return {};
  }
  std::error_code ec;
  auto perms = fs::exists(target, ec) ? fs::status(target, ec).permissions()
                                      : (fs::perms::owner_read | fs::perms::owner_write);
  return replace_file(target, text, perms);
}

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  return std::string(v);
}

// The config file sops would use: --config, else .sops.yaml from the working directory up.
std::optional<std::string> config_path(const Flags& flags) {
  // Absolute: the rule's path_regex sees the file's path relative to the config's directory.
  if (flags.has_value("--config"))
    return fs::absolute(flags.value("--config")).lexically_normal().string();
  return sops::find_config(fs::current_path().string(),
                           [](const std::string& p) { return fs::is_regular_file(p); });
}

// The creation rule for the input: nullopt when there is no config or no creation_rules.
Result<std::optional<sops::CreationRule>> rule_for(const Flags& flags, const Input& in) {
  auto path = config_path(flags);
  if (!path) return std::optional<sops::CreationRule>();
  auto text = read_input(*path);
  if (!text) return fail("config file ", *path, " cannot be read");
  return sops::creation_rule_for(*text, *path, in.name);
}

std::vector<std::string> comma_list(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// Encryption options: the flags' keys and rule win over the config's, as in sops.
Result<sops::EncryptOptions> encrypt_options(const Flags& flags, const Input& in) {
  sops::EncryptOptions options;
  auto rule = TRY(rule_for(flags, in));
  sops::RecipientGroup flag_keys;
  flag_keys.age = comma_list(flags.value("--age"));
  for (std::string& fp : comma_list(flags.value("--pgp"))) {
    std::erase(fp, ' ');
    flag_keys.pgp.push_back(std::move(fp));
  }
  if (!flag_keys.empty()) {
    options.key_groups.push_back(std::move(flag_keys));
  } else if (rule) {
    options.key_groups = rule->key_groups;
    options.shamir_threshold = rule->shamir_threshold;
  } else {
    return fail("no keys: give --age or --pgp, or a .sops.yaml creation rule");
  }
  if (rule) {
    if (rule->rule) {
      options.rule = *rule->rule;
      options.rule_value = rule->rule_value;
    }
    options.mac_only_encrypted = rule->mac_only_encrypted;
  }
  static constexpr std::pair<std::string_view, sops::RuleKind> k_rule_flags[] = {
      {"--unencrypted-suffix", sops::RuleKind::unencrypted_suffix},
      {"--encrypted-suffix", sops::RuleKind::encrypted_suffix},
      {"--unencrypted-regex", sops::RuleKind::unencrypted_regex},
      {"--encrypted-regex", sops::RuleKind::encrypted_regex},
  };
  int rule_flags = 0;
  for (const auto& [flag, kind] : k_rule_flags) {
    if (!flags.has_value(flag)) continue;
    ++rule_flags;
    options.rule = kind;
    options.rule_value = flags.value(flag);
  }
  if (rule_flags > 1)
    return fail(
        "give at most one of --encrypted-regex, --unencrypted-regex, "
        "--encrypted-suffix, --unencrypted-suffix");
  if (flags.has("--mac-only-encrypted")) options.mac_only_encrypted = true;
  options.shamir_threshold =
      TRY(flags.integer("--shamir-secret-sharing-threshold", IntRange{.min = 0, .max = 255},
                        options.shamir_threshold));
  return options;
}

std::string display_name(const Input& in) {
  return in.path == "-" ? "stdin" : in.path;
}

int encrypt_command(const Flags& flags) {
  auto in = resolve_input(flags);
  if (!in) return usage_error(in.error().message());
  auto content = read_input(in->path);
  if (!content) return failed("encrypt", content.error().message());
  auto options = encrypt_options(flags, *in);
  if (!options) return failed("encrypt", display_name(*in) + ": " + options.error().message());
  auto plain = sops::load_plain(*content, in->input_format);
  if (!plain) return failed("encrypt", display_name(*in) + ": " + plain.error().message());
  plain->format = in->output_format;
  auto text = sops::encrypt_plain(*plain, *options);
  if (!text) return failed("encrypt", display_name(*in) + ": " + text.error().message());
  auto written = write_result(flags, *in, *text);
  if (!written) return failed("encrypt", written.error().message());
  return 0;
}

// '["a"]["b"][0]' → the keys and indices, as sops' --extract reads them.
Result<std::vector<Node>> parse_extract(std::string_view path) {
  std::vector<Node> out;
  while (!path.empty()) {
    if (path.front() != '[') return fail("--extract: expected [ at \"", path, "\"");
    size_t close = path.find(']');
    if (close == std::string_view::npos) return fail("--extract: missing ]");
    std::string_view inner = path.substr(1, close - 1);
    if (inner.size() >= 2 && (inner.front() == '"' || inner.front() == '\'') &&
        inner.back() == inner.front()) {
      out.push_back(Node::string(inner.substr(1, inner.size() - 2)));
    } else {
      int64_t index = TRY(parse_integer_flag("--extract", inner, IntRange{.min = 0}));
      out.push_back(Node::integer(index));
    }
    path.remove_prefix(close + 1);
  }
  return out;
}

int decrypt_command(const Flags& flags) {
  auto in = resolve_input(flags);
  if (!in) return usage_error(in.error().message());
  std::vector<Node> extract;
  if (flags.has_value("--extract")) {
    auto parsed = parse_extract(flags.value("--extract"));
    if (!parsed) return usage_error(parsed.error().message());
    extract = std::move(*parsed);
  }
  auto content = read_input(in->path);
  if (!content) return failed("decrypt", content.error().message());
  auto keys = sops::user_keys(env);
  if (!keys) return failed("decrypt", keys.error().message());
  sops::Options options;
  options.verify_mac = flags.has("--ignore-mac") ? sops::VerifyMac::no : sops::VerifyMac::yes;
  auto file = sops::decrypt_file(*content, in->input_format, *keys, options);
  if (!file) return failed("decrypt", display_name(*in) + ": " + file.error().error.message());
  if (!extract.empty()) {
    if (file->documents.empty()) return failed("decrypt", display_name(*in) + ": no document");
    const Node* at = &file->documents.front();
    for (const Node& step : extract) {
      const Node* next = nullptr;
      if (step.is_string() && at->is_map()) next = at->find(step.as_string());
      if (step.is_int() && at->is_list() && static_cast<size_t>(step.as_int()) < at->size())
        next = &at->items()[static_cast<size_t>(step.as_int())];
      if (!next)
        return failed("decrypt", display_name(*in) + ": --extract " + flags.value("--extract") +
                                     ": the file has no such key");
      at = next;
    }
    std::string text;
    if (at->is_string()) {
      text = std::string(at->as_string());
    } else if (!at->is_container()) {
      text = scalar_to_string(*at);
    } else {
      sops::DecryptedFile part{
          in->output_format == sops::Format::json ? sops::Format::json : sops::Format::yaml,
          {*at},
          {}};
      auto printed = sops::print_file(part);
      if (!printed) return failed("decrypt", printed.error().error.message());
      text = std::move(*printed);
    }
    auto written = write_result(flags, *in, text);
    if (!written) return failed("decrypt", written.error().message());
    return 0;
  }
  file->format = in->output_format;
  auto text = sops::print_file(*file);
  if (!text) return failed("decrypt", display_name(*in) + ": " + text.error().error.message());
  auto written = write_result(flags, *in, *text);
  if (!written) return failed("decrypt", written.error().message());
  return 0;
}

// A private directory (0700) holding the plaintext for the editor (0600), removed with it.
class EditorFile {
 public:
  explicit EditorFile(std::string_view name) {
    std::string pattern = (fs::temp_directory_path() / "plumb-sops-edit-XXXXXX").string();
    if (!mkdtemp(pattern.data())) return;
    m_dir = pattern;
    m_path = m_dir + "/" + std::string(base_name(name));
  }
  ~EditorFile() {
    if (m_dir.empty()) return;
    std::error_code ec;
    // Overwrite before removing: the plaintext should not linger in the freed blocks.
    if (fs::exists(m_path, ec)) {
      auto size = fs::file_size(m_path, ec);
      if (!ec) {
        std::ofstream out(m_path, std::ios::binary | std::ios::in);
        std::string zeros(static_cast<size_t>(size), '\0');
        out.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
      }
    }
    fs::remove_all(m_dir, ec);
  }
  EditorFile(const EditorFile&) = delete;
  EditorFile& operator=(const EditorFile&) = delete;

  Result<void> write(std::string_view text) const {
    if (m_dir.empty()) return fail("cannot create a private temporary directory");
    int fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return fail("cannot create the temporary file");
    size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n <= 0) {
        ::close(fd);
        return fail("cannot write the temporary file");
      }
      done += static_cast<size_t>(n);
    }
    ::close(fd);
    return {};
  }
  const std::string& path() const { return m_path; }

 private:
  std::string m_dir;
  std::string m_path;
};

// Runs the user's editor on path: $SOPS_EDITOR, else $EDITOR, else vi; through the shell, so
// an editor given with arguments ("code --wait") works.
Result<void> run_editor(const std::string& path) {
  std::string editor = env("SOPS_EDITOR").value_or(env("EDITOR").value_or(""));
  if (editor.empty()) editor = "vi";
  std::string script = editor + " \"$1\"";
  const char* argv[] = {"/bin/sh", "-c", script.c_str(), "sh", path.c_str(), nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0)
    return fail("cannot start the editor ", editor);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fail("the editor ", editor, " failed (exit status ",
                std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1), ")");
  return {};
}

// Plumb's YAML and INI readers drop comments, so rewriting such a file loses them: say so.
void warn_if_comments_lost(std::string_view verb, const Input& in, std::string_view content) {
  bool ini = in.input_format == sops::Format::ini;
  if (in.input_format != sops::Format::yaml && !ini) return;
  size_t at = 0;
  while (at < content.size()) {
    size_t end = content.find('\n', at);
    std::string_view line = content.substr(at, end == std::string_view::npos ? end : end - at);
    size_t first = line.find_first_not_of(' ');
    if (first != std::string_view::npos && (line[first] == '#' || (ini && line[first] == ';'))) {
      std::fprintf(stderr,
                   "plumb sops %.*s: warning: %s: its comments are not kept (Plumb's reader "
                   "drops them)\n",
                   static_cast<int>(verb.size()), verb.data(), display_name(in).c_str());
      return;
    }
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
}

// sops' exit code when the edited file was not changed.
constexpr int k_file_not_modified = 200;

int edit_command(const Flags& flags) {
  auto in = resolve_input(flags);
  if (!in) return usage_error(in.error().message());
  if (in->path == "-") return usage_error("edit needs a FILE, not stdin");
  std::string name = display_name(*in);
  if (!fs::exists(in->path))
    return failed("edit", name + ": no such file (create it with plumb sops encrypt)");
  auto content = read_input(in->path);
  if (!content) return failed("edit", content.error().message());
  auto loaded = sops::load_file(*content, in->input_format);
  if (!loaded) return failed("edit", name + ": " + loaded.error().error.message());
  auto keys = sops::user_keys(env);
  if (!keys) return failed("edit", keys.error().message());
  auto key = sops::unwrap_data_key(*loaded, *keys);
  if (!key) return failed("edit", name + ": " + key.error().error.message());
  sops::IvStash stash;
  auto clear = sops::decrypt_with_key(*loaded, *key, {.verify_mac = sops::VerifyMac::yes}, &stash);
  if (!clear) return failed("edit", name + ": " + clear.error().error.message());
  auto plaintext = sops::print_file(*clear);
  if (!plaintext) return failed("edit", name + ": " + plaintext.error().error.message());
  EditorFile temp(in->name);
  if (auto w = temp.write(*plaintext); !w) return failed("edit", w.error().message());
  if (auto ran = run_editor(temp.path()); !ran) return failed("edit", ran.error().message());
  auto edited = read_input(temp.path());
  if (!edited) return failed("edit", "cannot read the edited temporary file");
  if (*edited == *plaintext) {
    std::fprintf(stderr, "plumb sops edit: %s: file has not changed, exiting\n", name.c_str());
    return k_file_not_modified;
  }
  auto plain = sops::load_plain(*edited, in->input_format);
  if (!plain)
    return failed("edit", name + ": the edited file is not valid: " + plain.error().message() +
                              "; the file is unchanged");
  // Unchanged values keep their IV, so their ciphertext: the diff shows only the edit.
  auto file = sops::encrypt_with_key(*plain, loaded->metadata, *key, "", &stash);
  if (!file) return failed("edit", name + ": " + file.error().message());
  warn_if_comments_lost("edit", *in, *content);
  auto text = sops::print_encrypted(*file);
  if (!text) return failed("edit", name + ": " + text.error().message());
  std::error_code ec;
  auto written = replace_file(in->path, *text, fs::status(in->path, ec).permissions());
  if (!written) return failed("edit", written.error().message());
  return 0;
}

// A key as sops' ToString shows it.
std::vector<std::string> group_keys(const sops::KeyGroup& group) {
  std::vector<std::string> out;
  for (const auto& a : group.age)
    out.push_back(a.recipient);
  for (const auto& p : group.pgp)
    out.push_back(p.fingerprint);
  return out;
}

std::vector<std::string> group_keys(const sops::RecipientGroup& group) {
  std::vector<std::string> out = group.age;
  out.insert(out.end(), group.pgp.begin(), group.pgp.end());
  return out;
}

int updatekeys_command(const Flags& flags) {
  auto in = resolve_input(flags);
  if (!in) return usage_error(in.error().message());
  if (in->path == "-") return usage_error("updatekeys needs a FILE, not stdin");
  std::string name = display_name(*in);
  auto content = read_input(in->path);
  if (!content) return failed("updatekeys", content.error().message());
  auto loaded = sops::load_file(*content, in->input_format);
  if (!loaded) return failed("updatekeys", name + ": " + loaded.error().error.message());
  for (const auto& group : loaded->metadata.key_groups)
    if (group.other_keys > 0)
      return failed("updatekeys", name +
                                      ": the file has cloud KMS or Vault keys, which plumb "
                                      "cannot keep: use sops");
  auto rule = rule_for(flags, *in);
  if (!rule) return failed("updatekeys", rule.error().message());
  if (!*rule) return failed("updatekeys", name + ": no .sops.yaml with creation_rules was found");
  const auto& wanted = (*rule)->key_groups;
  const auto& have = loaded->metadata.key_groups;
  // sops' DiffKeyGroups, group by group.
  std::string diff;
  bool keys_change = false;
  for (size_t i = 0; i < std::max(wanted.size(), have.size()); ++i) {
    std::vector<std::string> ours =
        i < have.size() ? group_keys(have[i]) : std::vector<std::string>{};
    std::vector<std::string> theirs =
        i < wanted.size() ? group_keys(wanted[i]) : std::vector<std::string>{};
    auto contains = [](const std::vector<std::string>& v, const std::string& k) {
      return std::find(v.begin(), v.end(), k) != v.end();
    };
    diff += "Group " + std::to_string(i + 1) + "\n";
    for (const auto& k : theirs)
      if (contains(ours, k)) diff += "    " + k + "\n";
    for (const auto& k : theirs)
      if (!contains(ours, k)) {
        diff += "+++ " + k + "\n";
        keys_change = true;
      }
    for (const auto& k : ours)
      if (!contains(theirs, k)) {
        diff += "--- " + k + "\n";
        keys_change = true;
      }
  }
  int64_t old_threshold = loaded->metadata.shamir_threshold;
  auto flag_threshold =
      flags.integer("--shamir-secret-sharing-threshold", IntRange{.min = 0, .max = 255}, 0);
  if (!flag_threshold) return usage_error(flag_threshold.error().message());
  int64_t threshold = *flag_threshold != 0 ? *flag_threshold : old_threshold;
  threshold = std::min<int64_t>(threshold, static_cast<int64_t>(wanted.size()));
  if (!keys_change && threshold == old_threshold) {
    std::fprintf(stderr, "File %s already up to date\n", name.c_str());
    return 0;
  }
  std::string shamir;
  if (old_threshold > 0 && old_threshold == threshold) {
    shamir = "shamir_threshold: " + std::to_string(threshold) + "\n";
  } else {
    if (threshold > 0) shamir += "+++ shamir_threshold: " + std::to_string(threshold) + "\n";
    if (old_threshold > 0)
      shamir += "--- shamir_threshold: " + std::to_string(old_threshold) + "\n";
  }
  std::printf("The following changes will be made to the file's groups:\n%s%s", shamir.c_str(),
              diff.c_str());
  std::fflush(stdout);
  if (!flags.has("--yes")) {
    std::string answer;
    while (answer != "y" && answer != "n") {
      std::printf("Is this okay? (y/n):");
      std::fflush(stdout);
      if (!std::getline(std::cin, answer))
        return failed("updatekeys",
                      "no answer on stdin (give -y to change the file without asking)");
    }
    if (answer == "n") {
      std::fprintf(stderr, "File %s left unchanged\n", name.c_str());
      return 0;
    }
  }
  auto keys = sops::user_keys(env);
  if (!keys) return failed("updatekeys", keys.error().message());
  auto key = sops::unwrap_data_key(*loaded, *keys);
  if (!key) return failed("updatekeys", name + ": " + key.error().error.message());
  sops::Metadata metadata = loaded->metadata;
  auto wrapped = sops::wrap_data_key(metadata, wanted, threshold, *key, sops::PgpPublicKeys{});
  if (!wrapped) return failed("updatekeys", name + ": " + wrapped.error().message());
  warn_if_comments_lost("updatekeys", *in, *content);
  sops::EncryptedFile updated = std::move(*loaded);
  updated.metadata = std::move(metadata);
  auto text = sops::print_encrypted(updated);
  if (!text) return failed("updatekeys", name + ": " + text.error().message());
  std::error_code ec;
  auto written = replace_file(in->path, *text, fs::status(in->path, ec).permissions());
  if (!written) return failed("updatekeys", written.error().message());
  std::fprintf(stderr, "File %s synced with new keys\n", name.c_str());
  return 0;
}

}  // namespace

int sops_command(std::span<const std::string_view> args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fprintf(args.empty() ? stderr : stdout, "%s", k_usage);
    return args.empty() ? 2 : 0;
  }
  std::string_view command = args[0];
  FlagSpec spec{
      .booleans = {"--in-place", "--mac-only-encrypted", "--ignore-mac", "--yes", "--help"},
      .values = {"--age", "--pgp", "--encrypted-regex", "--unencrypted-regex", "--encrypted-suffix",
                 "--unencrypted-suffix", "--input-type", "--output-type", "--extract", "--output",
                 "--config", "--filename-override", "--shamir-secret-sharing-threshold"},
      .aliases = {{"-i", "--in-place"}, {"-y", "--yes"}, {"-h", "--help"}}};
  auto flags = parse_flags(args.subspan(1), spec);
  if (!flags) return usage_error(flags.error().message());
  if (flags->has("--help")) {
    std::printf("%s", k_usage);
    return 0;
  }
  if (command == "encrypt") return encrypt_command(*flags);
  if (command == "decrypt") return decrypt_command(*flags);
  if (command == "edit") return edit_command(*flags);
  if (command == "updatekeys") return updatekeys_command(*flags);
  return usage_error("unknown command \"" + std::string(command) + "\"");
}

}  // namespace plumb::cli

// Hostile and broken charts through helm::template_chart, one row per case: each must fail
// (or, for links in an archive, render without reading what they point to) with an error that
// names what is wrong and where — the chart, the file, the line — and within a CPU time
// bound and a peak memory bound. Messages are helm v4.1.4's where helm has one (helm itself
// runs out of memory on `repeat`/`until` bombs and hides why an archive did not load).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "helm/template.hpp"
#include "tar_test_util.hpp"

namespace plumb::helm {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr double k_slowdown = 10;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr double k_slowdown = 10;
#else
constexpr double k_slowdown = 1;
#endif
#else
constexpr double k_slowdown = 1;
#endif

constexpr double k_max_cpu_seconds = 2.0 * k_slowdown;
constexpr long k_max_rss_kib = static_cast<long>(1024 * 1024 * (k_slowdown > 1 ? 3 : 1));

const std::string k_chart_yaml = "apiVersion: v2\nname: x\nversion: 0.1.0\n";
const std::string k_hint = "\n\nUse --debug flag to render out invalid YAML";

// A chart directory /x with one template (x/templates/cm.yaml) and optional values.
MemoryFileSystem chart_dir(const std::string& tpl, const std::string& values = "",
                           const std::string& schema = "") {
  MemoryFileSystem fs;
  fs.add_file("/x/Chart.yaml", k_chart_yaml);
  fs.add_file("/x/templates/cm.yaml", tpl);
  if (!values.empty()) fs.add_file("/x/values.yaml", values);
  if (!schema.empty()) fs.add_file("/x/values.schema.json", schema);
  return fs;
}

// A chart archive /x.tgz holding Chart.yaml, a template and `extra` (raw tar entries).
MemoryFileSystem chart_tgz(const std::string& extra, unsigned long long zeros = 0,
                           const std::string& tail = "") {
  std::string tar;
  add_entry(tar, "x/Chart.yaml", k_chart_yaml);
  add_entry(tar, "x/templates/cm.yaml",
            "kind: ConfigMap\nlink: {{ .Files.Get \"link\" | quote }}\n");
  tar += extra;
  MemoryFileSystem fs;
  fs.add_file("/x.tgz", gzip(tar, zeros, tail + std::string(1024, '\0')));
  return fs;
}

// `levels` of YAML anchors, each a list of nine of the one before: 9^levels strings.
std::string alias_bomb(int levels) {
  std::string out = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= levels; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    out += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k)
      out += (k ? ", " : "") + prev;
    out += "]\n";
  }
  return out;
}

std::string many_files(int count, unsigned long long size) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += tar_header("x/files/f" + std::to_string(i), size);
    out.append(size, 'a');
  }
  return out;
}

struct Row {
  std::string name;
  std::function<MemoryFileSystem()> chart;
  std::string path = "/x";
  std::vector<std::string> values_files;  // -f, read from the chart's file system
  std::vector<std::string> expected;      // parts of the error (or of the output when ok)
  bool ok = false;
};

std::vector<Row> rows() {
  std::vector<Row> r;
  r.push_back({"include loop",
               [] {
                 return chart_dir(
                     "{{ define \"a\" }}{{ include \"a\" . }}{{ end }}"
                     "x: {{ include \"a\" . }}\n");
               },
               "/x",
               {},
               {"template: x/templates/cm.yaml:1:50: executing \"x/templates/cm.yaml\" at "
                "<include \"a\" .>: error calling include: template: x/templates/cm.yaml:1:19: "
                "executing \"a\" at <include \"a\" .>: error calling include: ",
                "error calling include: rendering template has a nested reference name: a: "
                "unable to execute template" +
                    k_hint}});
  r.push_back({"template recursion",
               [] {
                 return chart_dir(
                     "{{ define \"a\" }}{{ template \"a\" . }}{{ end }}"
                     "x: {{ template \"a\" . }}\n");
               },
               "/x",
               {},
               {"x/templates/cm.yaml:1:28\n  executing \"a\" at <{{template \"a\" .}}>:\n"
                "    exceeded maximum template depth (3000)" +
                k_hint}});
  r.push_back({"repeat bomb",
               [] { return chart_dir("a: 1\nx: {{ repeat 1000000000 \"x\" }}\n"); },
               "/x",
               {},
               {"template: x/templates/cm.yaml:2:6: executing \"x/templates/cm.yaml\" at <repeat "
                "1000000000 \"x\">: error calling repeat: output exceeds the limit of 67108864 "
                "bytes"}});
  r.push_back({"indent bomb",
               [] { return chart_dir("x: {{ nindent 1000000000 \"x\" }}\n"); },
               "/x",
               {},
               {"x/templates/cm.yaml:1:6", "error calling nindent: output exceeds the limit"}});
  r.push_back({"until bomb",
               [] { return chart_dir("x: {{ until 1000000000 | len }}\n"); },
               "/x",
               {},
               {"x/templates/cm.yaml:1:6",
                "error calling until: sprig: 1000000000 items is more "
                "than the limit of 1000000"}});
  r.push_back(
      {"output loop",
       [] { return chart_dir("x: {{ range until 1000000 }}{{ repeat 1000 \"x\" }}{{ end }}\n"); },
       "/x",
       {},
       {"x/templates/cm.yaml:1:31\n", "output exceeds the limit of 67108864 bytes"}});
  r.push_back({"values.yaml alias bomb",
               [] { return chart_dir("x: {{ len .Values.a9 }}\n", alias_bomb(9)); },
               "/x",
               {},
               {"cannot load values.yaml: cannot unmarshal yaml document: error converting YAML to "
                "JSON: yaml: document contains excessive aliasing"}});
  r.push_back({"-f alias bomb",
               [] {
                 MemoryFileSystem fs = chart_dir("x: 1\n");
                 fs.add_file("/bomb.yaml", alias_bomb(9));
                 return fs;
               },
               "/x",
               {"/bomb.yaml"},
               {"failed to parse /bomb.yaml: cannot unmarshal yaml document: error converting YAML "
                "to JSON: yaml: document contains excessive aliasing"}});
  r.push_back({"tgz ../ path",
               [] { return chart_tgz(tar_header("x/../../etc/passwd", 0)); },
               "/x.tgz",
               {},
               {"unable to load chart archive: chart illegally references parent directory"}});
  r.push_back({"tgz absolute path",
               [] { return chart_tgz(tar_header("x//etc/passwd", 0)); },
               "/x.tgz",
               {},
               {"unable to load chart archive: chart illegally contains absolute paths"}});
  r.push_back({"tgz symlink entry",
               [] { return chart_tgz(tar_header("x/link", 0, '2', "/etc/passwd")); },
               "/x.tgz",
               {},
               {"link: \"\"\n"},
               true});
  r.push_back({"tgz hardlink entry",
               [] { return chart_tgz(tar_header("x/link", 0, '1', "x/Chart.yaml")); },
               "/x.tgz",
               {},
               {"link: \"\"\n"},
               true});
  r.push_back({"tgz truncated",
               [] {
                 MemoryFileSystem fs = chart_tgz("");
                 std::string bytes = *fs.read_file("/x.tgz");
                 fs.add_file("/x.tgz", bytes.substr(0, bytes.size() / 2));
                 return fs;
               },
               "/x.tgz",
               {},
               {"unable to load chart archive: unexpected EOF"}});
  r.push_back({"tgz corrupt",
               [] {
                 MemoryFileSystem fs = chart_tgz("");
                 std::string bytes = *fs.read_file("/x.tgz");
                 for (size_t i = 20; i < 40; ++i)
                   bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
                 fs.add_file("/x.tgz", bytes);
                 return fs;
               },
               "/x.tgz",
               {},
               {"unable to load chart archive: gzip: "}});
  r.push_back({"tgz not gzip",
               [] {
                 MemoryFileSystem fs;
                 fs.add_file("/x.tgz", "kind: ConfigMap\n");
                 return fs;
               },
               "/x.tgz",
               {},
               {"file '/x.tgz' does not appear to be a gzipped archive"}});
  r.push_back({"gzip bomb, one 4 GiB file",
               [] { return chart_tgz(tar_header("x/templates/big.yaml", 4ULL << 30), 64 << 20); },
               "/x.tgz",
               {},
               {"unable to load chart archive: decompressed chart is larger than the maximum size "
                "104857600"}});
  r.push_back({"gzip bomb, one 50 MiB file",
               [] { return chart_tgz(tar_header("x/templates/big.yaml", 50 << 20), 50 << 20); },
               "/x.tgz",
               {},
               {"unable to load chart archive: decompressed chart file \"x/templates/big.yaml\" "
                "is larger than the maximum file size 5242880"}});
  r.push_back({"gzip bomb, 120 MiB in 4 MiB files",
               [] { return chart_tgz(many_files(30, 4 << 20)); },
               "/x.tgz",
               {},
               {"unable to load chart archive: decompressed chart is larger than the maximum size "
                "104857600"}});
  r.push_back({"schema violation",
               [] {
                 return chart_dir("x: 1\n", "db:\n  port: 0\n",
                                  R"({"type":"object","properties":{"db":{"type":"object",)"
                                  R"("required":["host"],"properties":{"port":{"type":"integer",)"
                                  R"("minimum":1}}}}})");
               },
               "/x",
               {},
               {"values don't meet the specifications of the schema(s) in the following "
                "chart(s):\nx:\n- at '/db': missing property 'host'\n- at '/db/port': minimum: "
                "got 0, want 1\n"},
               false});
  r.push_back(
      {"missing required value",
       [] { return chart_dir("a: 1\nx: {{ required \"db.host is required\" .Values.db }}\n"); },
       "/x",
       {},
       {"execution error at (x/templates/cm.yaml:2:6): db.host is required" + k_hint}});
  r.push_back({"template parse error",
               [] { return chart_dir("a: 1\nb: 2\nx: {{ .Values.foo \n"); },
               "/x",
               {},
               {"parse error at (x/templates/cm.yaml:4): unclosed action started at "
                "x/templates/cm.yaml:3" +
                k_hint}});
  r.push_back({"nested include failure",
               [] {
                 MemoryFileSystem fs = chart_dir("x: {{ include \"outer\" . }}\n");
                 fs.add_file("/x/templates/_h.tpl",
                             "{{ define \"inner\" }}\n{{ .Values.a.b }}{{ end }}\n"
                             "{{ define \"outer\" }}{{ include \"inner\" . }}{{ end }}\n");
                 return fs;
               },
               "/x",
               {},
               {"x/templates/cm.yaml:1:6\n  executing \"x/templates/cm.yaml\" at <include "
                "\"outer\" .>:\n    error calling include:\nx/templates/_h.tpl:3:23\n  executing "
                "\"outer\" at <include \"inner\" .>:\n    error calling include:\n"
                "x/templates/_h.tpl:2:10\n  executing \"inner\" at <.Values.a.b>:\n    nil pointer "
                "evaluating interface {}.b" +
                k_hint}});
  return r;
}

double cpu_seconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST(BadInput, FailsClearlyWithinBounds) {
  for (const Row& row : rows()) {
    MemoryFileSystem fs = row.chart();
    TemplateOptions options;
    options.release_name = "r";
    options.chart_path = row.path;
    options.values.value_files = row.values_files;
    double start = cpu_seconds();
    auto out = template_chart(fs, options);
    double spent = cpu_seconds() - start;
    std::printf("%-36s %6.3f s CPU, peak RSS %ld MiB\n", row.name.c_str(), spent,
                peak_rss_kib() / 1024);
    EXPECT_LT(spent, k_max_cpu_seconds) << row.name;
    EXPECT_LT(peak_rss_kib(), k_max_rss_kib) << row.name;
    if (row.ok) {
      ASSERT_TRUE(out) << row.name << ": " << out.error().message();
      for (const std::string& part : row.expected)
        EXPECT_NE(out->find(part), std::string::npos) << row.name << ": " << *out;
      continue;
    }
    ASSERT_FALSE(out) << row.name;
    const std::string& message = out.error().message();
    for (const std::string& part : row.expected)
      EXPECT_NE(message.find(part), std::string::npos) << row.name << ": wanted\n"
                                                       << part << "\nin\n"
                                                       << message.substr(0, 2000);
  }
}

}  // namespace
}  // namespace plumb::helm

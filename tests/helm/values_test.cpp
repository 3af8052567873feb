#include "helm/values.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/json.hpp"

namespace plumb::helm {
namespace {

const std::string k_corpus = PLUMB_SHARED_DIR "/helm-cases";
const std::string k_expected = PLUMB_SOURCE_DIR "/tests/helm/testdata/values";

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The disk, with relative paths taken from the corpus root (the cases' ARGS are relative to it).
class CorpusFs final : public FileSystem {
 public:
  Result<std::string> read_file(std::string_view p) const override {
    return m_disk->read_file(abs(p));
  }
  Result<std::vector<std::string>> list_dir(std::string_view p) const override {
    return m_disk->list_dir(abs(p));
  }
  bool is_dir(std::string_view p) const override { return m_disk->is_dir(abs(p)); }
  bool is_file(std::string_view p) const override { return m_disk->is_file(abs(p)); }
  Result<std::string> resolve(std::string_view p) const override { return m_disk->resolve(abs(p)); }

 private:
  static std::string abs(std::string_view p) {
    return is_abs_path(p) ? std::string(p) : k_corpus + "/" + std::string(p);
  }
  std::unique_ptr<FileSystem> m_disk = make_disk_fs();
};

// POSIX shell words: single quotes, double quotes, backslashes.
std::vector<std::string> shell_words(std::string_view s) {
  std::vector<std::string> words;
  std::string cur;
  bool any = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\'') {
      size_t end = s.find('\'', i + 1);
      cur.append(s.substr(i + 1, end - i - 1));
      i = end;
      any = true;
    } else if (c == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && std::string_view("\"\\$`").find(s[i + 1]) != s.npos)
          ++i;
        cur.push_back(s[i]);
      }
      any = true;
    } else if (c == '\\' && i + 1 < s.size()) {
      cur.push_back(s[++i]);
      any = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (any) words.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur.push_back(c);
      any = true;
    }
  }
  if (any) words.push_back(cur);
  return words;
}

struct CaseArgs {
  std::string chart;
  ValueOptions options;
};

CaseArgs case_args(const std::string& name) {
  auto words = shell_words(read(k_corpus + "/cases/" + name + "/ARGS"));
  CaseArgs out;
  std::vector<std::string> positional;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    auto next = [&] { return i + 1 < words.size() ? words[++i] : std::string(); };
    if (w == "-f" || w == "--values")
      out.options.value_files.push_back(next());
    else if (w == "--set")
      out.options.values.push_back(next());
    else if (w == "--set-string")
      out.options.string_values.push_back(next());
    else if (w == "--set-json")
      out.options.json_values.push_back(next());
    else if (w == "--set-file")
      out.options.file_values.push_back(next());
    else if (w == "--set-literal")
      out.options.literal_values.push_back(next());
    else if (w == "--namespace" || w == "--kube-version" || w == "--api-versions" ||
             w == "--show-only" || w == "-s" || w == "--name-template")
      next();
    else if (!w.starts_with("-"))
      positional.push_back(w);
  }
  out.chart = positional.back();
  return out;
}

Node sorted(const Node& n) {
  if (n.is_list()) {
    Node out = Node::list();
    for (const Node& item : n.items())
      out.push_back(sorted(item));
    return out;
  }
  if (!n.is_map()) return n;
  std::vector<std::string> keys;
  for (const auto& e : n.entries())
    keys.emplace_back(e.key.as_string());
  std::sort(keys.begin(), keys.end());
  Node out = Node::map();
  for (const auto& k : keys)
    out.set(k, sorted(*n.find(k)));
  return out;
}

Result<Node> render_values(const std::string& name) {
  CorpusFs fs;
  CaseArgs args = case_args(name);
  Chart chart = TRY(load_chart(fs, args.chart));
  Node user = TRY(merge_values(args.options, fs));
  TRY_VOID(process_dependencies(chart, user));
  return coalesce_values(chart, user);
}

// For every case of testdata/values (gen_values.sh): the .Values helm v4.1.4 computes for the
// case's chart and arguments.
TEST(Values, AsHelmComputesThemForEveryCase) {
  ASSERT_TRUE(std::filesystem::is_directory(k_expected));
  int passed = 0, total = 0;
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(k_expected))
    names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    ++total;
    std::string expected = read(k_expected + "/" + name + ".json");
    while (!expected.empty() && expected.back() == '\n')
      expected.pop_back();
    auto values = render_values(name);
    if (!values) {
      ADD_FAILURE() << name << ": " << values.error().message();
      continue;
    }
    std::string got = to_json(sorted(*values));
    if (got == expected) {
      ++passed;
      continue;
    }
    size_t at = 0;
    while (at < got.size() && at < expected.size() && got[at] == expected[at])
      ++at;
    size_t from = at > 60 ? at - 60 : 0;
    ADD_FAILURE() << name << ": differs at byte " << at << "\n  got      ..."
                  << got.substr(from, 160) << "\n  expected ..." << expected.substr(from, 160);
  }
  EXPECT_GE(total, 90);
  std::printf("values: %d of %d cases as helm computes them\n", passed, total);
}

// The values-set-errors-* cases: helm's first error line.
TEST(Values, FlagErrorsAsHelm) {
  for (std::string name : {"values-set-errors-bad-json", "values-set-errors-negative-index",
                           "values-set-errors-no-value"}) {
    CorpusFs fs;
    auto user = merge_values(case_args(name).options, fs);
    ASSERT_FALSE(user) << name;
    std::string expected = read(k_corpus + "/cases/" + name + "/expected_error.txt");
    EXPECT_EQ("Error: " + user.error().message(), expected.substr(0, expected.find('\n')));
  }
}

TEST(Values, FlagOrderIsFixed) {
  MemoryFileSystem fs;
  fs.add_file("/v.yaml", "a: file\nf: file\n");
  fs.add_file("/f.txt", "from-file");
  ValueOptions o;
  o.value_files = {"/v.yaml"};
  o.string_values = {"a=set-string"};
  o.values = {"a=set", "f=set-before-file", "l=set"};
  o.json_values = {"a=\"set-json\""};
  o.file_values = {"f=/f.txt"};
  o.literal_values = {"l=literal"};
  auto v = merge_values(o, fs);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(to_json(sorted(*v)), R"({"a":"set-string","f":"from-file","l":"literal"})");
}

TEST(Values, SetJsonObjectMerges) {
  MemoryFileSystem fs;
  ValueOptions o;
  o.json_values = {R"({"a": {"y": 2}, "b": 1})", "c=[1,{\"d\":null}], e = 3"};
  auto v = merge_values(o, fs);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(to_json(sorted(*v)), R"({" e ":3,"a":{"y":2},"b":1,"c":[1,{"d":null}]})");
}

TEST(Values, CoalesceTablesNullDeletes) {
  auto dst = parse_json(R"({"a":null,"b":{"c":null,"d":1},"e":2})");
  auto src = parse_json(R"({"a":1,"b":{"c":2,"x":3},"f":4})");
  ASSERT_TRUE(dst && src);
  EXPECT_EQ(to_json(sorted(coalesce_tables(*dst, *src))), R"({"b":{"d":1,"x":3},"e":2,"f":4})");
  EXPECT_EQ(to_json(sorted(merge_tables(*dst, *src))),
            R"({"a":null,"b":{"c":null,"d":1,"x":3},"e":2,"f":4})");
}

TEST(Values, PathValue) {
  auto v = parse_json(R"({"a":{"b":true,"m":{}},"t":false})");
  ASSERT_TRUE(v);
  ASSERT_NE(path_value(*v, "a.b"), nullptr);
  EXPECT_TRUE(path_value(*v, "a.b")->as_bool());
  EXPECT_EQ(path_value(*v, "a.m"), nullptr);  // a table is not a value
  EXPECT_EQ(path_value(*v, "a.x"), nullptr);
  ASSERT_NE(path_value(*v, "t"), nullptr);
  EXPECT_EQ(path_value(*v, ""), nullptr);
}

}  // namespace
}  // namespace plumb::helm

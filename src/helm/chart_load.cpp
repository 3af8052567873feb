// Helm's chart loader: a directory walk with .helmignore, archives, and LoadFiles sorting the
// files into the chart's parts.
#include <map>

#include "helm/chart.hpp"
#include "helm/ignore.hpp"
#include "helm/sigs_yaml.hpp"

namespace plumb::helm {
namespace {

Result<void> walk(const FileSystem& fs, const std::string& root, const std::string& rel,
                  const IgnoreRules& rules, std::vector<ChartFile>& out) {
  std::string dir = rel.empty() ? root : join_path(root, rel);
  auto names = fs.list_dir(dir);
  if (!names) return std::unexpected(names.error());
  for (const std::string& name : *names) {
    std::string n = rel.empty() ? name : rel + "/" + name;
    std::string full = join_path(root, n);
    if (fs.is_dir(full)) {
      if (rules.ignore(n, true)) continue;
      TRY_VOID(walk(fs, root, n, rules, out));
      continue;
    }
    if (rules.ignore(n, false)) continue;
    if (!fs.is_file(full)) continue;  // a dangling link
    auto data = fs.read_file(full);
    if (!data) return std::unexpected(data.error().context("error reading " + n));
    if (data->size() > k_max_file_size)
      return fail("chart file \"", name, "\" is larger than the maximum file size ",
                  std::to_string(k_max_file_size));
    std::string_view trimmed = trim_bom(*data);
    if (trimmed.size() != data->size()) data->erase(0, 3);
    out.push_back(ChartFile{std::move(n), std::move(*data)});
  }
  return {};
}

Result<Chart> load_dir(const FileSystem& fs, const std::string& root) {
  IgnoreRules rules;
  std::string ignore_file = join_path(root, ".helmignore");
  if (fs.is_file(ignore_file)) {
    std::string text = TRY(fs.read_file(ignore_file));
    rules = TRY(IgnoreRules::parse(text));
  }
  rules.add_defaults();
  std::vector<ChartFile> files;
  TRY_VOID(walk(fs, root, "", rules, files));
  return load_chart_files(std::move(files));
}

// Helm v4 picks a loader by Chart.yaml's apiVersion; only v1 and v2 charts are read here.
Result<void> check_api_version(const std::vector<ChartFile>& files) {
  for (const ChartFile& f : files) {
    if (f.name != "Chart.yaml") continue;
    Metadata md;
    if (!read_metadata(f.data, md)) return {};  // LoadFiles reports it
    if (md.api_version != "" && md.api_version != "v1" && md.api_version != "v2")
      return fail("unsupported chart version");
  }
  return {};
}

bool ends_with_ext(std::string_view name, std::string_view ext) {
  size_t slash = name.rfind('/');
  std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  size_t dot = base.rfind('.');
  return dot != std::string_view::npos && base.substr(dot) == ext;
}

}  // namespace

std::vector<const ChartFile*> Chart::crd_files() const {
  std::vector<const ChartFile*> out;
  for (const ChartFile& f : files) {
    if (!f.name.starts_with("crds/")) continue;
    size_t slash = f.name.rfind('/');
    std::string_view base = std::string_view(f.name).substr(slash + 1);
    size_t dot = base.rfind('.');
    if (dot == std::string_view::npos) continue;
    std::string ext(base.substr(dot));
    for (char& c : ext)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".yaml" || ext == ".yml" || ext == ".json") out.push_back(&f);
  }
  return out;
}

Result<Chart> load_chart(const FileSystem& fs, std::string_view path) {
  std::string p(path);
  if (fs.is_dir(p)) {
    std::vector<ChartFile> probe;
    std::string chart_yaml = join_path(p, "Chart.yaml");
    if (fs.is_file(chart_yaml)) {
      probe.push_back(ChartFile{"Chart.yaml", TRY(fs.read_file(chart_yaml))});
      TRY_VOID(check_api_version(probe));
    }
    return load_dir(fs, p);
  }
  if (!fs.is_file(p)) return fail("path \"", p, "\" not found");
  std::string bytes = TRY(fs.read_file(p));
  if (bytes.size() < 2 || static_cast<unsigned char>(bytes[0]) != 0x1f ||
      static_cast<unsigned char>(bytes[1]) != 0x8b)
    return fail("file '", p, "' does not appear to be a gzipped archive");
  // Helm's LoadFile hides why an archive did not read ("unable to load chart archive"); the
  // reason is kept here, after Helm's words.
  auto files = read_chart_archive(bytes);
  if (!files && files.error().message() == "gzip: invalid header")
    return fail("file '", p,
                "' does not appear to be a valid chart file (details: gzip: invalid header)");
  if (!files) return std::unexpected(files.error().context("unable to load chart archive"));
  TRY_VOID(check_api_version(*files));
  return load_chart_files(std::move(*files));
}

Result<Chart> load_chart_archive(std::string_view gzip_bytes) {
  auto files = TRY(read_chart_archive(gzip_bytes));
  TRY_VOID(check_api_version(files));
  return load_chart_files(std::move(files));
}

Result<Chart> load_chart_files(std::vector<ChartFile> files) {
  Chart c;
  bool have_metadata = false;
  for (const ChartFile& f : files) {
    if (f.name != "Chart.yaml") continue;
    have_metadata = true;
    auto read = read_metadata(f.data, c.metadata);
    if (!read) return std::unexpected(read.error().context("cannot load Chart.yaml"));
    // Helm 2 charts may lack apiVersion: they are v1 charts.
    if (c.metadata.api_version.empty()) c.metadata.api_version = "v1";
  }
  std::map<std::string, std::vector<ChartFile>> subcharts;
  for (ChartFile& f : files) {
    if (f.name == "Chart.yaml" || f.name == "Chart.lock" || f.name == "requirements.lock") continue;
    if (f.name == "values.yaml") {
      auto values = load_values(f.data);
      if (!values) return std::unexpected(values.error().context("cannot load values.yaml"));
      c.values = std::move(*values);
    } else if (f.name == "values.schema.json") {
      c.schema = f.data;
      c.has_schema = true;
    } else if (f.name == "requirements.yaml") {
      // Deprecated: v1 charts' dependencies; read into the metadata, kept as a file.
      have_metadata = true;
      auto read = read_metadata(f.data, c.metadata);
      if (!read) return std::unexpected(read.error().context("cannot load requirements.yaml"));
      if (c.metadata.api_version == "v1") c.files.push_back(f);
    } else if (f.name.starts_with("templates/")) {
      c.templates.push_back(std::move(f));
    } else if (f.name.starts_with("charts/")) {
      if (ends_with_ext(f.name, ".prov")) {
        c.files.push_back(std::move(f));
        continue;
      }
      std::string rest = f.name.substr(7);
      std::string cname = rest.substr(0, rest.find('/'));
      subcharts[cname].push_back(ChartFile{std::move(rest), std::move(f.data)});
    } else {
      c.files.push_back(std::move(f));
    }
  }
  if (!have_metadata) return fail("Chart.yaml file is missing");
  TRY_VOID(validate_metadata(c.metadata));

  for (auto& [n, sub_files] : subcharts) {
    if (n.starts_with('_') || n.starts_with('.')) continue;
    Result<Chart> sub;
    if (ends_with_ext(n, ".tgz")) {
      if (sub_files[0].name != n)
        return fail("error unpacking subchart tar in ", c.name(), ": expected ", n, ", got ",
                    sub_files[0].name);
      sub = load_chart_archive(sub_files[0].data);
    } else {
      std::vector<ChartFile> inner;
      for (ChartFile& f : sub_files) {
        size_t slash = f.name.find('/');
        if (slash == std::string::npos) continue;
        inner.push_back(ChartFile{f.name.substr(slash + 1), std::move(f.data)});
      }
      sub = load_chart_files(std::move(inner));
    }
    if (!sub)
      return std::unexpected(
          sub.error().context("error unpacking subchart " + n + " in " + c.name()));
    sub->is_root = false;
    c.dependencies.push_back(std::move(*sub));
  }
  return c;
}

}  // namespace plumb::helm

// libFuzzer target: `helm template` of a chart made of the input's files (helm/template.hpp):
// chart loading, values, schema, every template parsed and executed with sprig's and Helm's
// functions, and the output's split and sort.
//
// The input is an archive (archive.hpp): the header's first line is the release name (empty:
// "release-name"); each section is a file of the chart, its name relative to the chart's
// directory ("Chart.yaml", "values.yaml", "templates/x.yaml", "charts/sub/Chart.yaml").
// Errors are fine; a crash, a leak, undefined behaviour, a timeout or running out of memory
// (an include loop, a huge repeat) is a bug.
#include <cstdint>
#include <string>
#include <string_view>

#include "archive.hpp"
#include "core/fs.hpp"
#include "helm/template.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace plumb;
  fuzz::Archive archive =
      fuzz::split_archive(std::string_view(reinterpret_cast<const char*>(data), size));
  MemoryFileSystem fs;
  fs.add_dir("/chart");
  for (const fuzz::Section& section : archive.sections) {
    if (!section.name.empty())
      fs.add_file(join_path("/chart", section.name), std::string(section.text));
  }
  helm::TemplateOptions options;
  options.release_name = std::string(archive.header.substr(0, archive.header.find('\n')));
  options.chart_path = "/chart";
  options.kube_version = "1.35.0";
  auto out = helm::template_chart(fs, options);
  (void)out;
  return 0;
}

// libFuzzer target: a chart archive (`.tgz` bytes) loaded as Helm loads one
// (helm/chart.hpp load_chart_archive): gzip, tar, the limits and path checks, Chart.yaml,
// values, subchart archives inside. Errors are fine; a crash, a leak, undefined behaviour, a
// timeout or running out of memory (a gzip bomb) is a bug. Seeds: the corpus's .tgz charts.
#include <cstdint>
#include <string_view>

#include "helm/chart.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto chart =
      plumb::helm::load_chart_archive(std::string_view(reinterpret_cast<const char*>(data), size));
  (void)chart;
  return 0;
}

// Prometheus metrics: a Registry of counter, gauge and histogram families with labels, written
// in the Prometheus text exposition format 0.0.4 (`text()`), for /metrics.
//
//   auto& reconciles = registry.counter("plumb_reconciles_total", "Reconciles.", {"kind"});
//   reconciles.with({"Kustomization"}).inc();
//
// A family's series are created on first use and live until removed (`remove`,
// `remove_matching`: the object they describe was deleted). A family without labels has its one
// series from the start. Output is sorted (families by name, series by label values), so two
// scrapes of the same state are byte-identical.
//
// Thread safety: everything may be called from any thread. Recording into a series is lock-free
// (atomics); `with` takes the family's short lock to find the series. References returned by
// `counter`/`gauge`/`histogram` live as long as the Registry; a series reference lives until that
// series is removed. Scrape-time functions (`gauge_function`) run without any registry lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/thread_annotations.hpp"

namespace plumb::metrics {

// Label values, in the order of the family's label names.
using LabelValues = std::vector<std::string>;

class Counter {
 public:
  void inc(double by = 1) { m_value.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return m_value.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> m_value{0};
};

class Gauge {
 public:
  void set(double value) { m_value.store(value, std::memory_order_relaxed); }
  void add(double by) { m_value.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return m_value.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> m_value{0};
};

class Histogram {
 public:
  // Upper bounds, ascending, without +Inf (which every histogram has).
  explicit Histogram(std::span<const double> bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // per bound, then +Inf (== count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;
  std::span<const double> bounds() const { return m_bounds; }

 private:
  std::vector<double> m_bounds;
  std::unique_ptr<std::atomic<uint64_t>[]> m_counts;  // per bound, then +Inf; not cumulative
  std::atomic<double> m_sum{0};
};

enum class Type : uint8_t { counter, gauge, histogram };
std::string_view to_string(Type type);

// What every family shares: its name, help, type and label names, and how it writes itself.
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, Type type, std::vector<std::string> label_names);
  virtual ~FamilyBase() = default;
  const std::string& name() const { return m_name; }
  Type type() const { return m_type; }
  const std::vector<std::string>& label_names() const { return m_label_names; }
  // Appends "# HELP", "# TYPE" and every series (a family without series is declared all
  // the same, so what /metrics offers does not depend on what happened yet).
  virtual void write(std::string& out) const = 0;

 protected:
  void write_header(std::string& out) const;
  // The index of a label name; aborts when the family has no such label (a programming error).
  size_t label_index(std::string_view label) const;

  std::string m_name;
  std::string m_help;
  Type m_type;
  std::vector<std::string> m_label_names;
};

template <typename Series>
class Family : public FamilyBase {
 public:
  using FamilyBase::FamilyBase;

  // The series with these label values, created when new. The number of values must be the
  // number of label names (a programming error otherwise: aborts).
  Series& with(const LabelValues& values) EXCLUDES(m_mutex);
  // Removes one series; false when there was none.
  bool remove(const LabelValues& values) EXCLUDES(m_mutex);
  // Removes every series whose labels have these values (e.g. {{"kind", "Kustomization"},
  // {"name", "apps"}, {"namespace", "flux-system"}}: an object was deleted); how many.
  size_t remove_matching(std::span<const std::pair<std::string_view, std::string_view>> match)
      EXCLUDES(m_mutex);
  size_t size() const EXCLUDES(m_mutex);
  void write(std::string& out) const override EXCLUDES(m_mutex);

 protected:
  virtual std::unique_ptr<Series> make() const = 0;
  void check_arity(const LabelValues& values) const;

  mutable Mutex m_mutex;
  std::map<LabelValues, std::unique_ptr<Series>> m_series GUARDED_BY(m_mutex);
};

class CounterFamily final : public Family<Counter> {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names);

 private:
  std::unique_ptr<Counter> make() const override { return std::make_unique<Counter>(); }
};

class GaugeFamily final : public Family<Gauge> {
 public:
  GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names);

 private:
  std::unique_ptr<Gauge> make() const override { return std::make_unique<Gauge>(); }
};

class HistogramFamily final : public Family<Histogram> {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds);
  const std::vector<double>& bounds() const { return m_bounds; }

 private:
  std::unique_ptr<Histogram> make() const override { return std::make_unique<Histogram>(m_bounds); }
  std::vector<double> m_bounds;
};

// bounds: start, start*factor, ... (count of them), as Prometheus' ExponentialBuckets.
std::vector<double> exponential_buckets(double start, double factor, int count);

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The family of that name, registered now or before. Registering a name again with another
  // type, labels or buckets is a programming error (aborts), as are invalid names.
  CounterFamily& counter(const std::string& name, const std::string& help,
                         std::vector<std::string> label_names = {}) EXCLUDES(m_mutex);
  GaugeFamily& gauge(const std::string& name, const std::string& help,
                     std::vector<std::string> label_names = {}) EXCLUDES(m_mutex);
  HistogramFamily& histogram(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names, std::vector<double> bounds)
      EXCLUDES(m_mutex);
  // An unlabelled gauge or counter whose value `read` gives at each scrape (the process's
  // memory, CPU time). `read` runs on the scraping thread, without any lock of the registry.
  void function(const std::string& name, const std::string& help, Type type,
                std::function<double()> read) EXCLUDES(m_mutex);

  // The exposition, text format 0.0.4.
  std::string text() const EXCLUDES(m_mutex);

 private:
  template <typename F, typename... Args>
  F& add(const std::string& name, Args&&... args) EXCLUDES(m_mutex);

  mutable Mutex m_mutex;
  std::map<std::string, std::unique_ptr<FamilyBase>, std::less<>> m_families GUARDED_BY(m_mutex);
};

// The media type of text() (Content-Type of /metrics).
inline constexpr std::string_view k_text_content_type = "text/plain; version=0.0.4; charset=utf-8";

// Prometheus' grammar: metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*
// not starting with "__".
bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);
// A label value inside its quotes: backslash, double quote and newline escaped.
void append_escaped_label_value(std::string& out, std::string_view value);
// A sample value as Prometheus writes it: shortest round-trip form, +Inf, -Inf, NaN.
void append_value(std::string& out, double value);

}  // namespace plumb::metrics

#include "metrics/registry.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace plumb::metrics {

namespace {

// A metric registered wrongly is a bug in Plumb, not a condition to recover from.
[[noreturn]] void fatal(const std::string& what) {
  std::fprintf(stderr, "plumb: metrics: %s\n", what.c_str());
  std::abort();
}

void append_help(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// name{a="x",b="y"[,extra]} — the braces left out when there is no label.
void append_series_name(std::string& out, std::string_view name,
                        const std::vector<std::string>& label_names, const LabelValues& values,
                        std::string_view extra = {}) {
  out += name;
  if (label_names.empty() && extra.empty()) return;
  out += '{';
  for (size_t i = 0; i < label_names.size(); ++i) {
    if (i) out += ',';
    out += label_names[i];
    out += "=\"";
    append_escaped_label_value(out, values[i]);
    out += '"';
  }
  if (!extra.empty()) {
    if (!label_names.empty()) out += ',';
    out += extra;
  }
  out += '}';
}

void append_sample(std::string& out, std::string_view name,
                   const std::vector<std::string>& label_names, const LabelValues& values,
                   double value, std::string_view extra = {}) {
  append_series_name(out, name, label_names, values, extra);
  out += ' ';
  append_value(out, value);
  out += '\n';
}

void write_series(std::string& out, const FamilyBase& family, const LabelValues& values,
                  const Counter& counter) {
  append_sample(out, family.name(), family.label_names(), values, counter.value());
}

void write_series(std::string& out, const FamilyBase& family, const LabelValues& values,
                  const Gauge& gauge) {
  append_sample(out, family.name(), family.label_names(), values, gauge.value());
}

void write_series(std::string& out, const FamilyBase& family, const LabelValues& values,
                  const Histogram& histogram) {
  Histogram::Snapshot snap = histogram.snapshot();
  std::string bucket = family.name() + "_bucket";
  std::span<const double> bounds = histogram.bounds();
  for (size_t i = 0; i <= bounds.size(); ++i) {
    std::string le = "le=\"";
    if (i < bounds.size()) {
      append_value(le, bounds[i]);
    } else {
      le += "+Inf";
    }
    le += '"';
    append_sample(out, bucket, family.label_names(), values, double(snap.cumulative[i]), le);
  }
  append_sample(out, family.name() + "_sum", family.label_names(), values, snap.sum);
  append_sample(out, family.name() + "_count", family.label_names(), values, double(snap.count));
}

// An unlabelled metric read at scrape time.
class FunctionFamily final : public FamilyBase {
 public:
  FunctionFamily(std::string name, std::string help, Type type, std::function<double()> read)
      : FamilyBase(std::move(name), std::move(help), type, {}), m_read(std::move(read)) {}
  void write(std::string& out) const override {
    write_header(out);
    append_sample(out, m_name, {}, {}, m_read());
  }

 private:
  std::function<double()> m_read;
};

void check_names(const std::string& name, const std::vector<std::string>& label_names, Type type) {
  if (!valid_metric_name(name)) fatal("invalid metric name \"" + name + "\"");
  for (const std::string& label : label_names) {
    if (!valid_label_name(label) || (type == Type::histogram && label == "le"))
      fatal(name + ": invalid label name \"" + label + "\"");
  }
}

}  // namespace

std::string_view to_string(Type type) {
  switch (type) {
    case Type::counter:
      return "counter";
    case Type::gauge:
      return "gauge";
    case Type::histogram:
      return "histogram";
  }
  return "untyped";
}

// ---- values --------------------------------------------------------------------------------

Histogram::Histogram(std::span<const double> bounds)
    : m_bounds(bounds.begin(), bounds.end()),
      m_counts(std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1)) {}

void Histogram::observe(double value) {
  size_t i = 0;
  while (i < m_bounds.size() && value > m_bounds[i])
    ++i;
  m_counts[i].fetch_add(1, std::memory_order_relaxed);
  m_sum.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snap;
  snap.cumulative.reserve(m_bounds.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= m_bounds.size(); ++i) {
    total += m_counts[i].load(std::memory_order_relaxed);
    snap.cumulative.push_back(total);
  }
  snap.count = total;  // the +Inf bucket, so _count and le="+Inf" always agree
  snap.sum = m_sum.load(std::memory_order_relaxed);
  return snap;
}

std::vector<double> exponential_buckets(double start, double factor, int count) {
  std::vector<double> bounds;
  for (double b = start; int(bounds.size()) < count; b *= factor)
    bounds.push_back(b);
  return bounds;
}

// ---- families ------------------------------------------------------------------------------

FamilyBase::FamilyBase(std::string name, std::string help, Type type,
                       std::vector<std::string> label_names)
    : m_name(std::move(name)),
      m_help(std::move(help)),
      m_type(type),
      m_label_names(std::move(label_names)) {
  check_names(m_name, m_label_names, m_type);
}

void FamilyBase::write_header(std::string& out) const {
  out += "# HELP ";
  out += m_name;
  out += ' ';
  append_help(out, m_help);
  out += "\n# TYPE ";
  out += m_name;
  out += ' ';
  out += to_string(m_type);
  out += '\n';
}

size_t FamilyBase::label_index(std::string_view label) const {
  for (size_t i = 0; i < m_label_names.size(); ++i)
    if (m_label_names[i] == label) return i;
  fatal(m_name + " has no label \"" + std::string(label) + "\"");
}

template <typename Series>
void Family<Series>::check_arity(const LabelValues& values) const {
  if (values.size() != m_label_names.size())
    fatal(m_name + ": " + std::to_string(values.size()) + " label values for " +
          std::to_string(m_label_names.size()) + " labels");
}

template <typename Series>
Series& Family<Series>::with(const LabelValues& values) {
  check_arity(values);
  LockGuard lock(m_mutex);
  auto& slot = m_series[values];
  if (!slot) slot = make();
  return *slot;
}

template <typename Series>
bool Family<Series>::remove(const LabelValues& values) {
  check_arity(values);
  LockGuard lock(m_mutex);
  return m_series.erase(values) > 0;
}

template <typename Series>
size_t Family<Series>::remove_matching(
    std::span<const std::pair<std::string_view, std::string_view>> match) {
  std::vector<std::pair<size_t, std::string_view>> wanted;
  for (const auto& [label, value] : match)
    wanted.emplace_back(label_index(label), value);
  LockGuard lock(m_mutex);
  size_t removed = 0;
  for (auto it = m_series.begin(); it != m_series.end();) {
    bool matches = true;
    for (const auto& [index, value] : wanted)
      matches = matches && it->first[index] == value;
    if (matches) {
      it = m_series.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  return removed;
}

template <typename Series>
size_t Family<Series>::size() const {
  LockGuard lock(m_mutex);
  return m_series.size();
}

template <typename Series>
void Family<Series>::write(std::string& out) const {
  LockGuard lock(m_mutex);
  write_header(out);  // also without series: the family is declared (dashboards, promtool)
  for (const auto& [values, series] : m_series)
    write_series(out, *this, values, *series);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> label_names)
    : Family(std::move(name), std::move(help), Type::counter, std::move(label_names)) {
  if (m_label_names.empty()) m_series[{}] = make();
}

GaugeFamily::GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names)
    : Family(std::move(name), std::move(help), Type::gauge, std::move(label_names)) {
  if (m_label_names.empty()) m_series[{}] = make();
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names, std::vector<double> bounds)
    : Family(std::move(name), std::move(help), Type::histogram, std::move(label_names)),
      m_bounds(std::move(bounds)) {
  for (size_t i = 1; i < m_bounds.size(); ++i)
    if (!(m_bounds[i - 1] < m_bounds[i])) fatal(m_name + ": buckets not ascending");
  if (m_label_names.empty()) m_series[{}] = make();
}

// ---- registry ------------------------------------------------------------------------------

template <typename F, typename... Args>
F& Registry::add(const std::string& name, Args&&... args) {
  LockGuard lock(m_mutex);
  auto& slot = m_families[name];
  if (!slot) {
    slot = std::make_unique<F>(name, std::forward<Args>(args)...);
    return static_cast<F&>(*slot);
  }
  auto* existing = dynamic_cast<F*>(slot.get());
  auto fresh = std::make_unique<F>(name, std::forward<Args>(args)...);
  if (!existing || existing->label_names() != fresh->label_names())
    fatal(name + " registered twice, differently");
  return *existing;
}

CounterFamily& Registry::counter(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names) {
  return add<CounterFamily>(name, help, std::move(label_names));
}

GaugeFamily& Registry::gauge(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names) {
  return add<GaugeFamily>(name, help, std::move(label_names));
}

HistogramFamily& Registry::histogram(const std::string& name, const std::string& help,
                                     std::vector<std::string> label_names,
                                     std::vector<double> bounds) {
  HistogramFamily& family = add<HistogramFamily>(name, help, std::move(label_names), bounds);
  if (family.bounds() != bounds) fatal(name + " registered twice with other buckets");
  return family;
}

void Registry::function(const std::string& name, const std::string& help, Type type,
                        std::function<double()> read) {
  if (type == Type::histogram) fatal(name + ": a function metric is a gauge or a counter");
  LockGuard lock(m_mutex);
  auto& slot = m_families[name];
  if (slot) fatal(name + " registered twice");
  slot = std::make_unique<FunctionFamily>(name, help, type, std::move(read));
}

std::string Registry::text() const {
  // Families are never removed, so the pointers outlive the lock; writing them (and calling
  // the scrape-time functions) happens without it.
  std::vector<const FamilyBase*> families;
  {
    LockGuard lock(m_mutex);
    families.reserve(m_families.size());
    for (const auto& [name, family] : m_families)
      families.push_back(family.get());
  }
  std::string out;
  for (const FamilyBase* family : families)
    family->write(out);
  return out;
}

// ---- text format ---------------------------------------------------------------------------

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.starts_with("__") || name.find(':') != std::string_view::npos) return false;
  return valid_metric_name(name);
}

void append_escaped_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void append_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, end);
  }
}

}  // namespace plumb::metrics

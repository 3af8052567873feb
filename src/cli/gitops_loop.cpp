#include "cli/gitops_loop.hpp"

#include "cli/loop_journal.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <thread>

#include "core/thread_annotations.hpp"

#include "cli/flags.hpp"
#include "metrics/process.hpp"

namespace plumb::cli {

namespace {

// The queue behind log_line. Leaked on purpose: its detached writer thread may be blocked in
// a write when the process exits.
class LineWriter {
 public:
  static LineWriter& instance() {
    static LineWriter* writer = new LineWriter();
    return *writer;
  }

  // A line for stdout and, when a log file is configured, the line for the file.
  void push(std::string line, std::string file_line) EXCLUDES(m_mutex) {
    LockGuard lock(m_mutex);
    if (m_lines.size() >= k_max_lines) {
      ++m_dropped;
      return;
    }
    m_lines.push_back(std::move(line));
    if (m_file) m_file_lines.push_back(std::move(file_line));
    m_changed.notify_all();
  }

  // Appends to `path` from now on (the file is created when missing).
  Result<void> open_file(const std::string& path) EXCLUDES(m_mutex) {
    std::FILE* file = std::fopen(path.c_str(), "a");
    if (!file) return fail("log file ", path, ": ", std::strerror(errno));
    LockGuard lock(m_mutex);
    m_file = file;
    return {};
  }

  LogFormat format() const { return m_format.load(); }
  void set_format(LogFormat format) { m_format.store(format); }

  bool flush(std::chrono::milliseconds timeout) EXCLUDES(m_mutex) {
    UniqueLock lock(m_mutex);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!m_lines.empty() || m_writing) {
      if (m_changed.wait_until(lock, deadline) == std::cv_status::timeout) return false;
    }
    return true;
  }

 private:
  static constexpr size_t k_max_lines = 10000;

  LineWriter() {
    std::thread([this] { run(); }).detach();
  }

  void run() EXCLUDES(m_mutex) {
    UniqueLock lock(m_mutex);
    while (true) {
      while (m_lines.empty())
        m_changed.wait(lock);
      std::deque<std::string> lines;
      lines.swap(m_lines);
      std::deque<std::string> file_lines;
      file_lines.swap(m_file_lines);
      std::FILE* file = m_file;
      size_t dropped = std::exchange(m_dropped, 0);
      m_writing = true;
      lock.unlock();
      if (dropped > 0) std::printf("(%zu log lines dropped: stdout was not read)\n", dropped);
      for (const std::string& line : lines)
        std::fwrite(line.data(), 1, line.size(), stdout);
      std::fflush(stdout);
      for (const std::string& line : file_lines)
        std::fwrite(line.data(), 1, line.size(), file);
      if (file) std::fflush(file);
      lock.lock();
      m_writing = false;
      m_changed.notify_all();
    }
  }

  Mutex m_mutex;
  CondVar m_changed;
  std::deque<std::string> m_lines GUARDED_BY(m_mutex);
  std::deque<std::string> m_file_lines GUARDED_BY(m_mutex);  // JSON, for plumb logs
  std::FILE* m_file GUARDED_BY(m_mutex) = nullptr;
  std::atomic<LogFormat> m_format{LogFormat::text};
  size_t m_dropped GUARDED_BY(m_mutex) = 0;
  bool m_writing GUARDED_BY(m_mutex) = false;
};

}  // namespace

void log_line(const std::string& line) {
  LineWriter& writer = LineWriter::instance();
  SystemTime now = std::chrono::system_clock::now();
  LogRecord record = make_log_record(line, now);
  std::string json = format_json(record);
  writer.push(writer.format() == LogFormat::json ? json : format_text(record, now), json);
}

Result<void> configure_log_from(const Flags& flags, const std::string& file) {
  std::string text = flags.value("--log-format", "text");
  auto format = parse_log_format(text);
  if (!format) return fail("--log-format: must be text or json, got ", text);
  return configure_log(*format, flags.value("--log-file", file));
}

Result<void> configure_log(LogFormat format, const std::string& file) {
  LineWriter& writer = LineWriter::instance();
  writer.set_format(format);
  if (!file.empty()) TRY_VOID(writer.open_file(file));
  return {};
}

void flush_log(std::chrono::milliseconds timeout) {
  LineWriter::instance().flush(timeout);
}

namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// The loop's metrics when options.metrics_port asks for them (null otherwise); their observer
// joins options.observers.
std::unique_ptr<LoopMetrics> loop_metrics(LoopOptions& options) {
  if (options.metrics_port.empty()) return nullptr;
  auto metrics = std::make_unique<LoopMetrics>();
  metrics->port = options.metrics_port;
  options.observers.push_back(&metrics->observer);
  return metrics;
}

}  // namespace

LoopMetrics::LoopMetrics() {
  metrics::add_process_metrics(registry);
}

notify::DeliveryOptions counted_deliveries(const std::atomic<GitOpsLoop*>& loop) {
  notify::DeliveryOptions options;
  options.on_delivery = [&loop](notify::ProviderType type, bool ok) {
    GitOpsLoop* counting = loop.load();
    controller::ControllerMetrics* metrics = counting ? counting->metrics() : nullptr;
    if (metrics) metrics->record_delivery(notify::to_string(type), ok);
  };
  return options;
}

GitOpsLoop::GitOpsLoop(kube::Client& client, LoopOptions options)
    : m_client(client),
      m_metrics(loop_metrics(options)),
      m_source_events(client, "source-controller", journal_gated_events(options.journal)),
      m_kustomize_events(client, "kustomize-controller", journal_gated_events(options.journal)),
      m_controller(client, {.cache_dir = std::move(options.cache_dir),
                            .workers = options.workers,
                            .sops_age_secret = std::move(options.sops_age_secret),
                            .resource_customizations = std::move(options.resource_customizations),
                            .log = log_line,
                            .event =
                                [this](const Node& involved, bool warning,
                                       const std::string& reason, const std::string& message) {
                                  auto& recorder = involved.string_at({"kind"}) == "GitRepository"
                                                       ? m_source_events
                                                       : m_kustomize_events;
                                  recorder.record(involved,
                                                  warning ? controller::EventType::warning
                                                          : controller::EventType::normal,
                                                  reason, message);
                                },
                            .observers = std::move(options.observers),
                            .metrics = m_metrics ? &m_metrics->registry : nullptr}),
      m_sealed(client, [&options] {
        controller::SealedSecretOptions sealed = std::move(options.sealed);
        if (!sealed.log) sealed.log = log_line;
        return sealed;
      }()) {
  if (m_metrics) m_client.set_metrics(&m_metrics->rest_client);
}

GitOpsLoop::~GitOpsLoop() {
  stop();
}

Result<void> GitOpsLoop::start(std::string_view webhook_port) {
  TRY_VOID(m_controller.start());
  log_line("controller started");
  if (auto sealed = m_sealed.start(); !sealed)
    log_line("sealed secrets off: " + sealed.error().message());
  if (m_metrics) {
    int port = int(TRY(parse_integer_flag("--metrics-port", m_metrics->port, k_port_range)));
    m_metrics_server = TRY(controller::MetricsServer::start({.port = port}, m_metrics->registry));
    log_line("metrics: http://127.0.0.1:" + std::to_string(m_metrics_server->port()) + "/metrics");
  }
  if (webhook_port.empty()) return {};
  controller::WebhookOptions options;
  options.port = int(TRY(parse_integer_flag("--webhook-port", webhook_port, k_port_range)));
  options.token = env_or_empty("PLUMB_WEBHOOK_TOKEN");
  options.github_secret = env_or_empty("PLUMB_GITHUB_SECRET");
  controller::WebhookTargets targets{
      .refresh =
          [this](const std::string& ns, const std::string& name, const std::string& delivery) {
            return m_controller.refresh_source(ns, name, delivery);
          },
      .refresh_by_url =
          [this](const std::vector<std::string>& urls, const std::string& delivery) {
            return m_controller.refresh_sources_by_url(urls, controller::normalize_git_url,
                                                       delivery);
          }};
  m_webhook = TRY(controller::WebhookServer::start(options, targets));
  log_line("webhook receiver on http://127.0.0.1:" + std::to_string(m_webhook->port()) +
           "/hook/NAMESPACE/NAME, /hook/git and /hook/github");
  return {};
}

int GitOpsLoop::webhook_port() const {
  return m_webhook ? m_webhook->port() : 0;
}

int GitOpsLoop::metrics_port() const {
  return m_metrics_server ? m_metrics_server->port() : 0;
}

controller::ControllerMetrics* GitOpsLoop::metrics() const {
  return m_metrics ? &m_metrics->observer : nullptr;
}

void GitOpsLoop::stop() {
  if (m_webhook) m_webhook->stop();
  if (m_metrics_server) m_metrics_server->stop();
  m_sealed.stop();
  m_controller.stop();
  m_client.set_metrics(nullptr);
  m_source_events.flush();
  m_kustomize_events.flush();
}

}  // namespace plumb::cli

#include "cli/gitops_loop.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>

#include "cli/flags.hpp"

namespace plumb::cli {

void log_line(const std::string& line) {
  static std::mutex mutex;
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char stamp[16];
  std::strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
  std::lock_guard lock(mutex);
  std::printf("%s %s\n", stamp, line.c_str());
  std::fflush(stdout);
}

namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

GitOpsLoop::GitOpsLoop(kube::Client& client, const std::string& cache_dir, int workers)
    : m_source_events(client, "source-controller"),
      m_kustomize_events(client, "kustomize-controller"),
      m_controller(client, {.cache_dir = cache_dir,
                            .workers = workers,
                            .log = log_line,
                            .event = [this](const Node& involved, bool warning,
                                            const std::string& reason, const std::string& message) {
                              auto& recorder = involved.string_at({"kind"}) == "GitRepository"
                                                   ? m_source_events
                                                   : m_kustomize_events;
                              recorder.record(involved,
                                              warning ? controller::EventType::warning
                                                      : controller::EventType::normal,
                                              reason, message);
                            }}) {}

GitOpsLoop::~GitOpsLoop() {
  stop();
}

Result<void> GitOpsLoop::start(std::string_view webhook_port) {
  TRY_VOID(m_controller.start());
  log_line("controller started");
  if (webhook_port.empty()) return {};
  controller::WebhookOptions options;
  options.port = int(TRY(parse_integer_flag("--webhook-port", webhook_port, k_port_range)));
  options.token = env_or_empty("PLUMB_WEBHOOK_TOKEN");
  options.github_secret = env_or_empty("PLUMB_GITHUB_SECRET");
  controller::WebhookTargets targets{
      .refresh = [this](const std::string& ns,
                        const std::string& name) { return m_controller.refresh_source(ns, name); },
      .refresh_by_url =
          [this](const std::vector<std::string>& urls) {
            return m_controller.refresh_sources_by_url(urls, controller::normalize_git_url);
          }};
  m_webhook = TRY(controller::WebhookServer::start(options, targets));
  log_line("webhook receiver on http://127.0.0.1:" + std::to_string(m_webhook->port()) +
           "/hook/NAMESPACE/NAME and /hook/github");
  return {};
}

int GitOpsLoop::webhook_port() const {
  return m_webhook ? m_webhook->port() : 0;
}

void GitOpsLoop::stop() {
  if (m_webhook) m_webhook->stop();
  m_controller.stop();
  m_source_events.flush();
  m_kustomize_events.flush();
}

}  // namespace plumb::cli

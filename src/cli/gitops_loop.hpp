// The GitOps loop as `plumb controller` and `plumb up` run it: the controller, Kubernetes
// events for what it does (source-controller / kustomize-controller, as Flux names them),
// progress lines on stdout, and optionally the webhook receiver.
//
// Thread safety: start and stop from one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/flags.hpp"
#include "cli/log_record.hpp"
#include "controller/controller.hpp"
#include "controller/events.hpp"
#include "controller/metrics.hpp"
#include "controller/metrics_server.hpp"
#include "controller/sealedsecret.hpp"
#include "controller/webhook.hpp"
#include "journal/journal.hpp"
#include "notify/delivery.hpp"
#include "notify/observer.hpp"

namespace plumb::cli {

// Prints "HH:MM:SS line" on stdout; safe from any thread, and never blocks: lines go to a
// bounded queue that a writer thread drains, so a stdout nobody reads (a full pipe) cannot
// stall the controller. Lines that do not fit are dropped and counted; the count is printed
// once the writer catches up.
// The format is text unless configure_log says json (cli/log_record.hpp); with a log file
// every line is also appended to it as JSON (what `plumb logs` reads).
void log_line(const std::string& line);
// Before the loop starts: the stdout format, and the file ("" for none) lines also go to.
Result<void> configure_log(LogFormat format, const std::string& file);
// configure_log from --log-format text|json and --log-file PATH (default `file`).
Result<void> configure_log_from(const Flags& flags, const std::string& file);
// Waits up to `timeout` for the queued lines to be written (before the process exits).
void flush_log(std::chrono::milliseconds timeout);

struct LoopOptions {
  std::string cache_dir;
  int workers = 4;
  std::optional<controller::NamespacedName> sops_age_secret;
  // Argo CD health scripts laid out as resource_customizations.
  std::string resource_customizations;
  // Told of every reconcile and event (the journal, alerts, metrics); not owned, and must
  // outlive the loop.
  std::vector<controller::Observer*> observers;
  // Serve Prometheus metrics on http://127.0.0.1:PORT/metrics: "" for none, "0" for any free
  // port. Metrics are kept only when served.
  std::string metrics_port;
  // When set, each event is written only once the journal holds, durably, what was told
  // before it (waited for on the events' writer threads). Not owned; outlives the loop.
  journal::Journal* journal = nullptr;
  // Bitnami SealedSecrets unsealed in the cluster (keys, renewal); its log is log_line.
  controller::SealedSecretOptions sealed;
};

// The metrics a loop keeps when it serves them: the registry and what records into it.
struct LoopMetrics {
  LoopMetrics();
  metrics::Registry registry;
  controller::ControllerMetrics observer{registry};
  metrics::RestClientMetrics rest_client{registry};
  std::string port;
};

class GitOpsLoop;

// Delivery options that count each notification delivery in the metrics of the loop `loop`
// points to, once it is set (the observer is made before the loop it is given to) and when
// that loop keeps metrics. See DeliveriesCountedIn.
notify::DeliveryOptions counted_deliveries(const std::atomic<GitOpsLoop*>& loop);

// Points `slot` at `loop` while it lives; declared after the loop, it goes first, and stops
// the notifications then, so no delivery is counted into a loop being destroyed.
class DeliveriesCountedIn {
 public:
  DeliveriesCountedIn(std::atomic<GitOpsLoop*>& slot, GitOpsLoop& loop,
                      notify::NotificationObserver& notifications)
      : m_slot(slot), m_notifications(notifications) {
    slot = &loop;
  }
  ~DeliveriesCountedIn() {
    m_notifications.stop();
    m_slot = nullptr;
  }
  DeliveriesCountedIn(const DeliveriesCountedIn&) = delete;
  DeliveriesCountedIn& operator=(const DeliveriesCountedIn&) = delete;

 private:
  std::atomic<GitOpsLoop*>& m_slot;
  notify::NotificationObserver& m_notifications;
};

class GitOpsLoop {
 public:
  GitOpsLoop(kube::Client& client, LoopOptions options);
  ~GitOpsLoop();

  // webhook_port: "" for no webhook receiver, "0" for any free port. The token and the GitHub
  // secret come from $PLUMB_WEBHOOK_TOKEN and $PLUMB_GITHUB_SECRET (never from flags, which
  // other users can read in the process list).
  Result<void> start(std::string_view webhook_port);
  // The webhook receiver's port, 0 when there is none.
  int webhook_port() const;
  // The metrics server's port, 0 when there is none.
  int metrics_port() const;
  // The controller's metrics (record_delivery for notifications); null without metrics_port.
  controller::ControllerMetrics* metrics() const;
  void stop();

 private:
  kube::Client& m_client;
  std::unique_ptr<LoopMetrics> m_metrics;  // before m_controller, which records into it
  std::unique_ptr<controller::MetricsServer> m_metrics_server;
  controller::EventRecorder m_source_events;
  controller::EventRecorder m_kustomize_events;
  controller::Controller m_controller;
  controller::SealedSecretController m_sealed;
  std::unique_ptr<controller::WebhookServer> m_webhook;
};

}  // namespace plumb::cli

// The GitOps loop as `plumb controller` and `plumb up` run it: the controller, Kubernetes
// events for what it does (source-controller / kustomize-controller, as Flux names them),
// progress lines on stdout, and optionally the webhook receiver.
//
// Thread safety: start and stop from one thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "controller/controller.hpp"
#include "controller/events.hpp"
#include "controller/webhook.hpp"
#include "journal/journal.hpp"

namespace plumb::cli {

// Prints "HH:MM:SS line" on stdout; safe from any thread, and never blocks: lines go to a
// bounded queue that a writer thread drains, so a stdout nobody reads (a full pipe) cannot
// stall the controller. Lines that do not fit are dropped and counted; the count is printed
// once the writer catches up.
void log_line(const std::string& line);
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
  // When set, each event is written only once the journal holds, durably, what was told
  // before it (waited for on the events' writer threads). Not owned; outlives the loop.
  journal::Journal* journal = nullptr;
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
  void stop();

 private:
  controller::EventRecorder m_source_events;
  controller::EventRecorder m_kustomize_events;
  controller::Controller m_controller;
  std::unique_ptr<controller::WebhookServer> m_webhook;
};

}  // namespace plumb::cli

#include "controller/events.hpp"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>

#include "core/json.hpp"
#include "core/time.hpp"

namespace plumb::controller {
namespace {

using SystemTime = std::chrono::system_clock::time_point;

// Distinct events remembered for aggregation; past this, entries older than the window are
// forgotten, and when that is not enough aggregation starts over.
constexpr size_t k_max_remembered = 4096;
// An event write gives up sooner than an ordinary API call: a slow server must not let the
// queue fill with stale events.
constexpr long k_write_timeout_seconds = 15;

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

std::string_view type_name(EventType type) {
  return type == EventType::warning ? "Warning" : "Normal";
}

// involvedObject: the fields of an ObjectReference that are set.
Node object_reference(const Node& object) {
  Node ref = Node::map();
  auto copy = [&](std::string_view field, std::initializer_list<std::string_view> path) {
    std::string_view value = object.string_at(path);
    if (!value.empty()) ref.set(field, Node::string(value));
  };
  copy("kind", {"kind"});
  copy("namespace", {"metadata", "namespace"});
  copy("name", {"metadata", "name"});
  copy("uid", {"metadata", "uid"});
  copy("apiVersion", {"apiVersion"});
  copy("resourceVersion", {"metadata", "resourceVersion"});
  return ref;
}

std::string events_path(std::string_view ns) {
  return "/api/v1/namespaces/" + std::string(ns) + "/events";
}

}  // namespace

std::string cap_event_message(std::string_view message, size_t limit) {
  if (message.size() <= limit) return std::string(message);
  constexpr std::string_view k_ellipsis = "...";
  size_t keep = limit > k_ellipsis.size() ? limit - k_ellipsis.size() : 0;
  // Back up to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
  while (keep > 0 && (static_cast<unsigned char>(message[keep]) & 0xC0) == 0x80)
    --keep;
  std::string out(message.substr(0, keep));
  out += k_ellipsis;
  return out;
}

EventRecorder::EventRecorder(kube::Client& client, std::string component,
                             EventRecorderOptions options)
    : m_client(client), m_component(std::move(component)), m_options(std::move(options)) {
  if (m_options.instance.empty()) m_options.instance = host_name();
  if (!m_options.report_failure)
    m_options.report_failure = [](std::string_view line) { std::cerr << line << '\n'; };
  m_thread = std::thread([this] { run(); });
}

EventRecorder::~EventRecorder() {
  {
    LockGuard lock(m_mutex);
    m_stopping = true;
    m_dropped += m_queue.size();
    m_finished += m_queue.size();
    m_queue.clear();
  }
  m_wake.notify_all();
  m_thread.join();
}

void EventRecorder::record(const Node& involved, EventType type, std::string_view reason,
                           std::string_view message,
                           const std::map<std::string, std::string>& annotations) {
  Pending event{involved,    type,           std::string(reason), cap_event_message(message),
                annotations, m_options.now()};
  if (m_options.mark) event.mark = m_options.mark();
  {
    LockGuard lock(m_mutex);
    if (m_stopping || m_queue.size() >= m_options.queue_capacity) {
      ++m_dropped;
      return;
    }
    m_queue.push_back(std::move(event));
    ++m_recorded;
  }
  m_wake.notify_one();
}

void EventRecorder::flush() {
  UniqueLock lock(m_mutex);
  uint64_t target = m_recorded;
  while (m_finished < target)
    m_idle.wait(lock);
}

uint64_t EventRecorder::dropped() const {
  LockGuard lock(m_mutex);
  return m_dropped;
}

uint64_t EventRecorder::failed() const {
  LockGuard lock(m_mutex);
  return m_failed;
}

void EventRecorder::run() {
  UniqueLock lock(m_mutex);
  for (;;) {
    while (!m_stopping && m_queue.empty())
      m_wake.wait(lock);
    if (m_stopping) return;
    Pending event = std::move(m_queue.front());
    m_queue.pop_front();
    lock.unlock();
    if (m_options.before_write) m_options.before_write(event.mark);
    bool ok = write(event);
    lock.lock();
    if (!ok) ++m_failed;
    ++m_finished;
    m_idle.notify_all();
  }
}

bool EventRecorder::write(const Pending& event) {
  if (event.involved.string_at({"kind"}).empty() ||
      event.involved.string_at({"metadata", "name"}).empty()) {
    report("record", Error("the involved object has no kind or metadata.name"));
    return false;
  }
  std::string key = aggregation_key(event);
  forget_old(event.time);
  auto it = m_written.find(key);
  if (it != m_written.end() && event.time - it->second.last < k_event_aggregation_window) {
    auto updated = update(it->second, event);
    if (updated) return true;
    // The Event was deleted (or expired) since: write a new one.
    if (updated.error().code() != 404) {
      report("update", updated.error());
      return false;
    }
  }
  auto created = create(key, event);
  if (!created) report("create", created.error());
  return created.has_value();
}

std::string EventRecorder::aggregation_key(const Pending& event) {
  std::string key;
  for (std::string_view part :
       {event.involved.string_at({"apiVersion"}), event.involved.string_at({"kind"}),
        event.involved.string_at({"metadata", "namespace"}),
        event.involved.string_at({"metadata", "name"}),
        event.involved.string_at({"metadata", "uid"}), type_name(event.type),
        std::string_view(event.reason), std::string_view(event.message)}) {
    key += part;
    key += '\0';
  }
  return key;
}

Result<void> EventRecorder::update(Written& written, const Pending& event) {
  Node patch = Node::map();
  patch.set("count", Node::integer(written.count + 1));
  patch.set("lastTimestamp", Node::string(format_rfc3339(event.time)));
  TRY(m_client.request({.method = "PATCH",
                        .target = events_path(written.ns) + "/" + written.name,
                        .body = to_json(patch),
                        .content_type = "application/merge-patch+json",
                        .timeout_seconds = k_write_timeout_seconds},
                       "Event " + written.ns + "/" + written.name));
  ++written.count;
  written.last = event.time;
  return {};
}

Result<void> EventRecorder::create(const std::string& key, const Pending& event) {
  std::string_view object_ns = event.involved.string_at({"metadata", "namespace"});
  std::string ns = object_ns.empty() ? "default" : std::string(object_ns);
  std::string name = unique_name(event.involved.string_at({"metadata", "name"}), event.time);
  std::string timestamp = format_rfc3339(event.time);

  Node metadata = Node::map();
  metadata.set("name", Node::string(name));
  metadata.set("namespace", Node::string(ns));
  if (!event.annotations.empty()) {
    Node annotations = Node::map();
    for (const auto& [k, v] : event.annotations)
      annotations.set(k, Node::string(v));
    metadata.set("annotations", std::move(annotations));
  }
  Node source = Node::map();
  source.set("component", Node::string(m_component));
  source.set("host", Node::string(m_options.instance));

  Node body = Node::map();
  body.set("apiVersion", Node::string("v1"));
  body.set("kind", Node::string("Event"));
  body.set("metadata", std::move(metadata));
  body.set("involvedObject", object_reference(event.involved));
  body.set("reason", Node::string(event.reason));
  body.set("message", Node::string(event.message));
  body.set("source", std::move(source));
  body.set("firstTimestamp", Node::string(timestamp));
  body.set("lastTimestamp", Node::string(timestamp));
  body.set("count", Node::integer(1));
  body.set("type", Node::string(type_name(event.type)));
  body.set("reportingComponent", Node::string(m_component));
  body.set("reportingInstance", Node::string(m_options.instance));

  TRY(m_client.request({.method = "POST",
                        .target = events_path(ns),
                        .body = to_json(body),
                        .content_type = "application/json",
                        .timeout_seconds = k_write_timeout_seconds},
                       "Event " + ns + "/" + name));
  m_written[key] = Written{ns, name, 1, event.time};
  return {};
}

// client-go's `<name>.<hex UnixNano>`, kept strictly increasing so that two events stamped
// in the same nanosecond (or by a coarse clock) never collide.
std::string EventRecorder::unique_name(std::string_view object_name, SystemTime time) {
  int64_t nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
  if (nanos <= m_last_nanos) nanos = m_last_nanos + 1;
  m_last_nanos = nanos;
  char hex[24];
  std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(nanos));
  std::string name(object_name);
  name += '.';
  name += hex;
  return name;
}

void EventRecorder::forget_old(SystemTime now) {
  if (m_written.size() < k_max_remembered) return;
  std::erase_if(m_written, [&](const auto& entry) {
    return now - entry.second.last >= k_event_aggregation_window;
  });
  if (m_written.size() >= k_max_remembered) m_written.clear();
}

void EventRecorder::report(std::string_view operation, const Error& error) {
  std::string kind(operation);
  kind += error.code() ? " " + std::to_string(error.code()) : " transport";
  if (!m_reported.insert(kind).second) return;
  m_options.report_failure("plumb: " + m_component + ": cannot record events (" +
                           std::string(operation) + "): " + error.message() +
                           " (further failures like this one are not reported)");
}

}  // namespace plumb::controller

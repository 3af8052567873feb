#include "journal/observer.hpp"

namespace plumb::journal {

Entry entry_of(const controller::ReconcileRecord& record) {
  Entry e;
  e.time = record.started;
  e.duration = record.duration();
  e.api_version = record.api_version;
  e.kind = record.kind;
  e.namespace_ = record.namespace_;
  e.name = record.name;
  e.uid = record.uid;
  e.trigger = std::string(controller::to_string(record.trigger));
  e.trigger_detail = record.trigger_detail;
  e.revision = record.revision;
  e.commit_message = record.commit_message;
  e.commit_author = record.commit_author;
  e.result = std::string(controller::to_string(record.reason));
  e.failed = record.failed();
  e.error = record.error;
  e.health = record.health;
  e.actor = record.actor;
  e.summary = record.sync.summary();
  for (const sync::ObjectResult& o : record.sync.objects) {
    if (o.action == sync::Action::unchanged) continue;
    e.objects.push_back(
        {std::string(sync::to_string(o.action)), o.ref.display(), o.message, o.diff});
  }
  return e;
}

void JournalObserver::on_reconcile(const controller::ReconcileRecord& record) {
  if (record.noop) return;
  m_journal.append(entry_of(record));
}

}  // namespace plumb::journal

// The journal's ear on the controller: every ReconcileRecord that did something or failed
// (not the no-ops) becomes a journal Entry, queued without blocking the worker that told it.
//
// Thread safety: on_reconcile and on_event from any thread (the controller's workers).
#pragma once

#include "controller/observer.hpp"
#include "journal/journal.hpp"

namespace plumb::journal {

// The entry a record is kept as: the sync's objects that changed or failed (unchanged ones
// are left out; the summary still counts them).
Entry entry_of(const controller::ReconcileRecord& record);

class JournalObserver : public controller::Observer {
 public:
  // The journal must outlive the observer.
  explicit JournalObserver(Journal& journal) : m_journal(journal) {}

  void on_reconcile(const controller::ReconcileRecord& record) override;
  void on_event(const controller::EventRecord&) override {}
  bool wants_details() const override { return true; }

 private:
  Journal& m_journal;
};

}  // namespace plumb::journal

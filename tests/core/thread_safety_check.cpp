// Input of the core.ThreadSafetyCheck* tests (not built): compiled by clang++-16 with
// -Wthread-safety -Werror, clean as written, and with PLUMB_UNGUARDED_READ a read of a
// GUARDED_BY member without its mutex that the check must refuse, with
// PLUMB_WRITE_UNDER_READER_LOCK a write under a shared lock.
#include <deque>

#include "core/thread_annotations.hpp"

namespace {

class Queue {
 public:
  void push(int v) EXCLUDES(m_mutex) {
    plumb::LockGuard lock(m_mutex);
    m_items.push_back(v);
    m_cv.notify_one();
  }
  int pop() EXCLUDES(m_mutex) {
    plumb::UniqueLock lock(m_mutex);
    while (m_items.empty())
      m_cv.wait(lock);
    return take_front();
  }
#ifdef PLUMB_UNGUARDED_READ
  bool empty() const {
    return m_items.empty();
  }
#endif

 private:
  int take_front() REQUIRES(m_mutex) {
    int v = m_items.front();
    m_items.pop_front();
    return v;
  }
  mutable plumb::Mutex m_mutex;
  plumb::CondVar m_cv;
  std::deque<int> m_items GUARDED_BY(m_mutex);
};

class Counter {
 public:
  int get() const EXCLUDES(m_mutex) {
    plumb::ReaderLock lock(m_mutex);
    return m_value;
  }
  void add(int v) EXCLUDES(m_mutex) {
#ifdef PLUMB_WRITE_UNDER_READER_LOCK
    plumb::ReaderLock lock(m_mutex);
#else
    plumb::WriterLock lock(m_mutex);
#endif
    m_value += v;
  }

 private:
  mutable plumb::SharedMutex m_mutex;
  int m_value GUARDED_BY(m_mutex) = 0;
};

}  // namespace

int main() {
  Queue q;
  q.push(1);
  Counter c;
  c.add(1);
  return q.pop() - c.get();
}

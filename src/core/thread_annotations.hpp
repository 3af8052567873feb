// Locking rules the compiler checks: clang's thread safety analysis attributes as macros, and
// the annotated mutex and locks Plumb uses instead of std::mutex / std::lock_guard /
// std::unique_lock.
//
//   class Queue {
//     void push(int v) EXCLUDES(m_mutex) { LockGuard lock(m_mutex); m_items.push_back(v); }
//    private:
//     void drop_front() REQUIRES(m_mutex);
//     Mutex m_mutex;
//     std::deque<int> m_items GUARDED_BY(m_mutex);
//   };
//
// `make check-locks` compiles every source with clang++-16 -Wthread-safety -Werror: reading a
// GUARDED_BY member without its mutex, calling a REQUIRES function without it, or calling an
// EXCLUDES function (or locking again) with it held fails the build. With GCC the macros are
// empty and Mutex / LockGuard / UniqueLock are thin wrappers of the std types.
//
// Waiting: a CondVar waits on a UniqueLock. Write the loop in the caller,
//   while (!m_ready) m_cv.wait(lock);
// rather than passing a predicate: the analysis checks a lambda's body on its own, as if no
// mutex were held (a lambda called under the lock says so: `[&]() REQUIRES(m_mutex) {...}`).
//
// Readers and writers: a SharedMutex is held shared by a ReaderLock (GUARDED_BY members may be
// read, not written) or exclusively by a WriterLock.
//
// Thread safety: Mutex, SharedMutex, CondVar as std::mutex, std::shared_mutex,
// std::condition_variable; a LockGuard, UniqueLock, ReaderLock or WriterLock belongs to the
// thread that made it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>

#if defined(__clang__)
#define PLUMB_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define PLUMB_THREAD_ANNOTATION(x)
#endif

// A type that is a lock (a mutex).
#define CAPABILITY(x) PLUMB_THREAD_ANNOTATION(capability(x))
// An RAII type that holds a capability for its lifetime.
#define SCOPED_CAPABILITY PLUMB_THREAD_ANNOTATION(scoped_lockable)
// Data read and written only with the mutex held.
#define GUARDED_BY(x) PLUMB_THREAD_ANNOTATION(guarded_by(x))
// The data a pointer points to is read and written only with the mutex held.
#define PT_GUARDED_BY(x) PLUMB_THREAD_ANNOTATION(pt_guarded_by(x))
// Lock order: this mutex is taken before / after the named ones.
#define ACQUIRED_BEFORE(...) PLUMB_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) PLUMB_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
// The caller holds the mutex (exclusively / at least shared).
#define REQUIRES(...) PLUMB_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) PLUMB_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
// The function takes / releases the mutex (no argument: `this`, for a mutex type's methods).
#define ACQUIRE(...) PLUMB_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) PLUMB_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) PLUMB_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) PLUMB_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) PLUMB_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
// The caller must not hold the mutex: the function takes it, or calls out (callbacks).
#define EXCLUDES(...) PLUMB_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// Tells the analysis the mutex is held here (checked by nothing at run time).
#define ASSERT_CAPABILITY(x) PLUMB_THREAD_ANNOTATION(assert_capability(x))
// The function returns a reference to the named mutex.
#define RETURN_CAPABILITY(x) PLUMB_THREAD_ANNOTATION(lock_returned(x))
// Turns the analysis off for one function; say why beside it.
#define NO_THREAD_SAFETY_ANALYSIS PLUMB_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace plumb {

class UniqueLock;

// std::mutex as a capability. Lockable, so std::condition_variable_any works with it too, but
// prefer LockGuard / UniqueLock (std::lock_guard<Mutex> hides the lock from the analysis).
class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() ACQUIRE() { m_mutex.lock(); }
  void unlock() RELEASE() { m_mutex.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) { return m_mutex.try_lock(); }

  // For a function the analysis cannot follow (a callback known to run under the lock).
  void assert_held() const ASSERT_CAPABILITY(this) {}

 private:
  friend class UniqueLock;
  std::mutex m_mutex;
};

// Holds a Mutex from construction to destruction.
class SCOPED_CAPABILITY LockGuard {
 public:
  explicit LockGuard(Mutex& mutex) ACQUIRE(mutex) : m_mutex(mutex) { m_mutex.lock(); }
  ~LockGuard() RELEASE() { m_mutex.unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  Mutex& m_mutex;
};

// Holds a Mutex, may release and take it again, and is what a CondVar waits on.
class SCOPED_CAPABILITY UniqueLock {
 public:
  explicit UniqueLock(Mutex& mutex) ACQUIRE(mutex) : m_lock(mutex.m_mutex) {}
  ~UniqueLock() RELEASE() {}
  UniqueLock(const UniqueLock&) = delete;
  UniqueLock& operator=(const UniqueLock&) = delete;

  void lock() ACQUIRE() { m_lock.lock(); }
  void unlock() RELEASE() { m_lock.unlock(); }

 private:
  friend class CondVar;
  std::unique_lock<std::mutex> m_lock;
};

// std::condition_variable over a UniqueLock: a wait releases the mutex and holds it again on
// return, so to the analysis the lock is held throughout.
class CondVar {
 public:
  void wait(UniqueLock& lock) { m_cv.wait(lock.m_lock); }
  template <class Clock, class Duration>
  std::cv_status wait_until(UniqueLock& lock,
                            const std::chrono::time_point<Clock, Duration>& deadline) {
    return m_cv.wait_until(lock.m_lock, deadline);
  }
  template <class Rep, class Period>
  std::cv_status wait_for(UniqueLock& lock, const std::chrono::duration<Rep, Period>& timeout) {
    return m_cv.wait_for(lock.m_lock, timeout);
  }
  void notify_one() noexcept { m_cv.notify_one(); }
  void notify_all() noexcept { m_cv.notify_all(); }

 private:
  std::condition_variable m_cv;
};

// std::shared_mutex as a capability: many readers or one writer.
class CAPABILITY("mutex") SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void lock() ACQUIRE() { m_mutex.lock(); }
  void unlock() RELEASE() { m_mutex.unlock(); }
  void lock_shared() ACQUIRE_SHARED() { m_mutex.lock_shared(); }
  void unlock_shared() RELEASE_SHARED() { m_mutex.unlock_shared(); }

 private:
  std::shared_mutex m_mutex;
};

// Holds a SharedMutex shared (a reader) from construction to destruction.
class SCOPED_CAPABILITY ReaderLock {
 public:
  explicit ReaderLock(SharedMutex& mutex) ACQUIRE_SHARED(mutex) : m_mutex(mutex) {
    m_mutex.lock_shared();
  }
  ~ReaderLock() RELEASE() { m_mutex.unlock_shared(); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  SharedMutex& m_mutex;
};

// Holds a SharedMutex exclusively (a writer) from construction to destruction.
class SCOPED_CAPABILITY WriterLock {
 public:
  explicit WriterLock(SharedMutex& mutex) ACQUIRE(mutex) : m_mutex(mutex) { m_mutex.lock(); }
  ~WriterLock() RELEASE() { m_mutex.unlock(); }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  SharedMutex& m_mutex;
};

}  // namespace plumb

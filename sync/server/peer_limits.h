// How many connections the county server holds, per peer address and in all, and when a refused connection is
// worth a log line. Thread-safe: the listener's accept loop admits, connections release as they close.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace tongdang::sync::http_listener {

class PeerLimits {
 public:
  using Clock = std::chrono::steady_clock;

  PeerLimits(int per_address, int total, Clock::duration log_interval);

  struct Admission {
    bool admitted = false;
    // When refused: log it now (at most once per address, or once in all for the total cap, per log interval),
    // with the refusals counted since the last line (this one included).
    bool log = false;
    const char* reason = "";  // "per_address" | "total"
    int limit = 0;
    int refused = 0;
  };
  // Counts a new connection from `address`, or refuses it when a cap is reached.
  Admission admit(const std::string& address, Clock::time_point now);
  // A connection admitted from `address` has closed.
  void release(const std::string& address);
  // Connections held now.
  int open() const;

 private:
  struct RefusalLog {
    Clock::time_point logged{};
    int unlogged = 0;
  };
  Admission refuse(const std::string& key, const char* reason, int limit, Clock::time_point now);

  const int per_address_;
  const int total_;
  const Clock::duration log_interval_;
  mutable std::mutex mutex_;
  int open_ = 0;
  std::map<std::string, int> by_address_;
  std::map<std::string, RefusalLog> refusals_;
};

}  // namespace tongdang::sync::http_listener

#include "sync/server/peer_limits.h"

namespace tongdang::sync::http_listener {
namespace {

// The key of refusals at the total cap: they come from many addresses, so they share one log line.
const std::string kAnyAddress = "*";
// Refusal records kept before old ones are dropped (an attacker with many addresses must not grow the map).
constexpr std::size_t kMaxRefusalRecords = 1024;

}  // namespace

PeerLimits::PeerLimits(int per_address, int total, Clock::duration log_interval)
    : per_address_(per_address), total_(total), log_interval_(log_interval) {}

PeerLimits::Admission PeerLimits::admit(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (open_ >= total_) return refuse(kAnyAddress, "total", total_, now);
  int& held = by_address_[address];
  if (held >= per_address_) return refuse(address, "per_address", per_address_, now);
  ++held;
  ++open_;
  Admission admitted;
  admitted.admitted = true;
  return admitted;
}

PeerLimits::Admission PeerLimits::refuse(const std::string& key, const char* reason, int limit, Clock::time_point now) {
  if (refusals_.size() >= kMaxRefusalRecords) {
    for (auto it = refusals_.begin(); it != refusals_.end();)
      it = now - it->second.logged >= log_interval_ ? refusals_.erase(it) : std::next(it);
  }
  Admission refused;
  refused.reason = reason;
  refused.limit = limit;
  auto [it, first] = refusals_.try_emplace(key);
  RefusalLog& record = it->second;
  ++record.unlogged;
  if (first || now - record.logged >= log_interval_) {
    refused.log = true;
    refused.refused = record.unlogged;
    record.logged = now;
    record.unlogged = 0;
  }
  return refused;
}

void PeerLimits::release(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = by_address_.find(address);
  if (it == by_address_.end()) return;
  --open_;
  if (--it->second <= 0) by_address_.erase(it);
}

int PeerLimits::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

}  // namespace tongdang::sync::http_listener

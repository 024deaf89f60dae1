// What the command-line programs print passes through one filter: a name or note read from a database (an older
// program's, or one written with SQL, may hold ESC, NUL or other control characters that check_text now refuses)
// can never move the cursor, recolour or retitle the terminal, or hide text (docs/security.md, finding 10). Installed
// on std::cout and std::cerr by each program's main(); text goes through terminal_safe() (text_limits.h) a line at a
// time, so a UTF-8 sequence is never split. Output written to a file with --out is not filtered.
#pragma once

#include <cstring>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>

#include "core/base/text_limits.h"

namespace tongdang::cli {

class TerminalSafeOutput : public std::streambuf {
 public:
  // Filters `stream` from now until this object is destroyed (which flushes it and restores the stream).
  explicit TerminalSafeOutput(std::ostream& stream) : stream_(stream), target_(stream.rdbuf()) { stream_.rdbuf(this); }
  ~TerminalSafeOutput() override {
    std::lock_guard lock(mutex_);
    write_out(pending_.size());
    target_->pubsync();
    stream_.rdbuf(target_);
  }
  TerminalSafeOutput(const TerminalSafeOutput&) = delete;
  TerminalSafeOutput& operator=(const TerminalSafeOutput&) = delete;

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char byte = traits_type::to_char_type(c);
    return xsputn(&byte, 1) == 1 ? c : traits_type::eof();
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard lock(mutex_);  // the server logs from its request threads
    pending_.append(s, static_cast<std::size_t>(n));
    // Whole lines go out as they are completed ('\n' is never inside a UTF-8 sequence); a very long line goes out
    // at its last ASCII byte, also a sequence boundary.
    if (std::memchr(s, '\n', static_cast<std::size_t>(n)) != nullptr) {
      write_out(pending_.rfind('\n') + 1);
    } else if (pending_.size() > kLongLine) {
      std::size_t end = pending_.size();
      while (end > 0 && static_cast<unsigned char>(pending_[end - 1]) >= 0x80) --end;
      write_out(end);
    }
    return n;
  }
  int sync() override {
    std::lock_guard lock(mutex_);
    write_out(pending_.size());
    return target_->pubsync();
  }

 private:
  static constexpr std::size_t kLongLine = 64 * 1024;

  void write_out(std::size_t bytes) {
    if (bytes == 0) return;
    const std::string safe = terminal_safe(std::string_view(pending_).substr(0, bytes));
    target_->sputn(safe.data(), static_cast<std::streamsize>(safe.size()));
    pending_.erase(0, bytes);
  }

  std::ostream& stream_;
  std::streambuf* target_;
  std::mutex mutex_;
  std::string pending_;
};

}  // namespace tongdang::cli

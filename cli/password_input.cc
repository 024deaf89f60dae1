#include "password_input.h"

#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "core/base/i18n.h"
#include "core/store/sign_in.h"

namespace tongdang::cli {
namespace {

// The terminal's settings while echo is off, so a signal (Ctrl-C at the prompt) can put them back before the
// process ends: otherwise the shell the director returns to would not show what they type.
termios g_saved_terminal{};
volatile std::sig_atomic_t g_echo_off = 0;
constexpr int kRestoringSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};

void restore_terminal_and_reraise(int signal_number) {
  if (g_echo_off) tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_terminal);  // async-signal-safe
  struct sigaction fallback{};
  fallback.sa_handler = SIG_DFL;
  sigaction(signal_number, &fallback, nullptr);
  raise(signal_number);
}

// Echo off for its lifetime (the line discipline still edits the line: backspace works as usual).
class EchoOff {
 public:
  EchoOff() {
    if (tcgetattr(STDIN_FILENO, &g_saved_terminal) != 0) return;
    struct sigaction handler{};
    handler.sa_handler = restore_terminal_and_reraise;
    for (std::size_t i = 0; i < std::size(kRestoringSignals); ++i)
      sigaction(kRestoringSignals[i], &handler, &previous_[i]);
    termios quiet = g_saved_terminal;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    // TCSANOW, not TCSAFLUSH: what was typed ahead of the prompt is kept.
    g_echo_off = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0 ? 1 : 0;
    active_ = true;
  }
  ~EchoOff() {
    if (!active_) return;
    if (g_echo_off) tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_terminal);
    g_echo_off = 0;
    for (std::size_t i = 0; i < std::size(kRestoringSignals); ++i) sigaction(kRestoringSignals[i], &previous_[i], nullptr);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  bool active_ = false;
  struct sigaction previous_[std::size(kRestoringSignals)]{};
};

std::optional<std::string> read_line() {
  std::string line;
  if (!std::getline(std::cin, line)) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

bool PasswordInput::can_prompt() const { return !from_stdin_ && isatty(STDIN_FILENO) == 1; }

std::optional<std::string> PasswordInput::next(const std::string& prompt) {
  if (from_stdin_) return read_line();
  if (!can_prompt()) return std::nullopt;
  std::optional<std::string> line;
  {
    // Echo goes off before the prompt shows: whatever is typed once the prompt is there is never shown.
    EchoOff quiet;
    std::cerr << prompt << std::flush;
    line = read_line();
  }
  std::cerr << "\n";  // the Enter the terminal did not echo
  return line;
}

Result<std::string> read_new_password(const std::string& user, bool from_stdin) {
  using i18n::trf;
  PasswordInput input(from_stdin);
  if (!input.from_stdin() && !input.can_prompt())
    return Status::invalid("password", trf("需要为 {} 设置密码：在终端上运行时输入两次，或用 --password-stdin 从标准输入读取",
                                           "a password for {} is needed: type it twice when running on a terminal, or "
                                           "give it on standard input with --password-stdin",
                                           user));
  auto password = input.next(i18n::edge::trf("{} 的新密码：", "new password for {}: ", user));
  if (!password)
    return Status::invalid("password", trf("没有读到 {} 的新密码（标准输入已结束）",
                                           "no new password for {} was read (standard input ended)", user));
  if (Status checked = sign_in::check_new_password(user, *password); !checked) return checked;
  if (!input.from_stdin()) {
    auto again = input.next(i18n::edge::tr("再输入一次新密码：", "the new password again: "));
    if (!again || *again != *password)
      return Status::invalid("password", i18n::tr("两次输入的密码不一致；没有更改", "the two passwords differ; nothing "
                                                                                    "was changed"));
  }
  return *password;
}

}  // namespace tongdang::cli

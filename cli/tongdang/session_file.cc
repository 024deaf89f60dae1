#include "session_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/base/i18n.h"

namespace tongdang::cli {
namespace {

using i18n::trf;

// A session file is a few hundred bytes; anything larger is not one.
constexpr std::size_t kMaxSessionFileBytes = 4096;

std::optional<SessionFile> parse(const std::string& text) {
  const auto value = nlohmann::json::parse(text, nullptr, false);
  if (!value.is_object()) return std::nullopt;
  const auto field = [&](const char* key) -> std::optional<std::string> {
    auto found = value.find(key);
    if (found == value.end() || !found->is_string()) return std::nullopt;
    return found->get<std::string>();
  };
  auto db = field("db");
  auto user = field("user");
  auto token = field("token");
  if (!db || !user || !token || token->empty()) return std::nullopt;
  return SessionFile{*db, *user, *token};
}

// Reads at most kMaxSessionFileBytes from `fd`.
std::string read_all(int fd) {
  std::string text;
  char buffer[1024];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got <= 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
    if (text.size() > kMaxSessionFileBytes) break;
  }
  return text;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Status untrusted(const std::string& path, const Message& why) {
  return Status::unauthenticated(trf("不使用登录会话文件 {}：{}。请运行 tongdang logout 结束该会话，再重新登录",
                                     "the session file {} is not used: {}. Run tongdang logout to end that session, "
                                     "then sign in again", path, why));
}

}  // namespace

std::string session_file_path(const std::string& db_path) { return db_path + ".session"; }

std::string absolute_db_path(const std::string& db_path) {
  std::error_code ignored;
  const auto canonical = std::filesystem::weakly_canonical(std::filesystem::absolute(db_path), ignored);
  return canonical.empty() ? std::filesystem::absolute(db_path).lexically_normal().string() : canonical.string();
}

Result<std::optional<SessionFile>> read_session_file(const std::string& path) {
  // O_NOFOLLOW: a link planted in place of the file (pointing at someone else's) is refused, not followed.
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::optional<SessionFile>();
    if (errno == ELOOP) return untrusted(path, i18n::tr("它是一个符号链接", "it is a symbolic link"));
    return untrusted(path, trf("无法读取（{}）", "it cannot be read ({})", std::strerror(errno)));
  }
  struct stat info{};
  if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode))
    return untrusted(path, i18n::tr("它不是普通文件", "it is not a regular file"));
  if (info.st_uid != ::geteuid())
    return untrusted(path, i18n::tr("它属于另一个系统用户", "it belongs to another system user"));
  if ((info.st_mode & 077) != 0)
    return untrusted(path, trf("其权限为 {:04o}，其他人可能读到其中的令牌（应为 0600）",
                               "its mode is {:04o}, so others may have read its token (it must be 0600)",
                               info.st_mode & 07777));
  auto session = parse(read_all(fd.get()));
  if (!session) return untrusted(path, i18n::tr("格式不正确", "it is malformed"));
  return std::optional<SessionFile>(std::move(*session));
}

std::optional<SessionFile> read_session_file_for_logout(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  return parse(read_all(fd.get()));
}

Status write_session_file(const std::string& path, const SessionFile& session) {
  const std::string text = nlohmann::json{{"db", session.db}, {"user", session.user}, {"token", session.token}}.dump();
  const std::string temporary = path + ".new";
  ::unlink(temporary.c_str());  // one left by a crash between writing and renaming
  // Created 0600 (whatever the umask) before a byte of the token is in it.
  Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  const auto failed = [&] {
    const int error = errno;
    ::unlink(temporary.c_str());
    return Status::internal(trf("无法写入登录会话文件 {}（{}）", "cannot write the session file {} ({})", path,
                                std::strerror(error)));
  };
  if (fd.get() < 0 || ::fchmod(fd.get(), 0600) != 0) return failed();
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) || ::fsync(fd.get()) != 0)
    return failed();
  if (::rename(temporary.c_str(), path.c_str()) != 0) return failed();
  return Status::ok();
}

void remove_session_file(const std::string& path) { ::unlink(path.c_str()); }

}  // namespace tongdang::cli

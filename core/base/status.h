// Expected outcomes as values: invalid input, refused by a rule, not found, conflict. Unexpected failures (a
// corrupt database, a full disk) are exceptions, caught and converted at one boundary (the CLI's main, the
// server's request handler).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "core/base/message.h"

namespace tongdang {

// The outcome classes every command shares. Their exit codes are documented in docs/user-guide.md.
enum class Code {
  Ok,            // done
  InvalidInput,  // bad input or usage: the message names the field and the reason; nothing was written
  Refused,       // refused by a rule: role, scope or state
  NotFound,      // the named record does not exist
  Conflict,      // a concurrent change was detected (sync); kept for a person to decide
  Unauthenticated,  // not signed in: no password, a wrong one, or an expired session
  Internal,      // anything else
};

// Process exit code for a Code: 0 done, 2 invalid, 3 refused (and conflict), 4 not found, 5 not signed in, 1 anything
// else.
int exit_code(Code code);

// A cheap value saying whether an operation succeeded and, if not, why. `field` names the input at fault. The
// reason is a Message (message.h): kept in every language, rendered where it is shown.
class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return {}; }
  static Status invalid(std::string field, Message message) {
    return Status(Code::InvalidInput, std::move(message), std::move(field));
  }
  static Status refused(Message message) { return Status(Code::Refused, std::move(message), {}); }
  static Status not_found(Message message) { return Status(Code::NotFound, std::move(message), {}); }
  static Status conflict(Message message) { return Status(Code::Conflict, std::move(message), {}); }
  static Status internal(Message message) { return Status(Code::Internal, std::move(message), {}); }
  static Status unauthenticated(Message message) { return Status(Code::Unauthenticated, std::move(message), {}); }

  bool is_ok() const { return code_ == Code::Ok; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  // The reason, as data.
  const Message& text() const { return message_; }
  // The reason in the reader's language (i18n::language()).
  const std::string& message() const { return message_.str(); }
  const std::string& field() const { return field_; }
  // "field: message" when a field is named, otherwise the message, as data (kFieldReason).
  Message reason() const;
  // The same in the reader's language.
  std::string to_string() const { return field_.empty() ? message_.str() : field_ + ": " + message_.str(); }

 private:
  Status(Code code, Message message, std::string field)
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}
  Code code_ = Code::Ok;
  Message message_;
  std::string field_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor): natural return
  Result(Status status) : value_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool is_ok() const { return std::holds_alternative<T>(value_); }
  explicit operator bool() const { return is_ok(); }
  const T& value() const& { return std::get<T>(value_); }
  T& value() & { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  const T* operator->() const { return &std::get<T>(value_); }
  const T& operator*() const { return std::get<T>(value_); }
  Status status() const { return is_ok() ? Status::ok() : std::get<Status>(value_); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace tongdang

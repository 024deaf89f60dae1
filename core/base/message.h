// Messages are data until the edge. A Message holds what a reader is told — a refusal, a bad cell, a rejection
// from the server — in every language at once, and is rendered in the reader's language only where it is shown:
// the CLI's output, the server's log, the station's list of rejected changes.
//
// Two kinds:
//   - catalogued: a stable code ("change.author_mismatch") with its arguments, from a table of MessageText (for
//     the messages that cross the wire: sync/protocol/messages.h). Code and arguments are what is stored and sent;
//     a receiver renders them from its own catalogue, so a Chinese station shows a server's refusal in Chinese
//     whatever the server's language;
//   - uncatalogued (i18n::tr, i18n::trf): the text in both languages, formatted when the message is made.
// Either kind keeps both renderings, so rendering is a choice, never a format.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tongdang {

namespace i18n {
enum class Lang { Zh, En };
// The reader's language at this edge (the process-wide setting, i18n.h).
Lang language();
}  // namespace i18n

// A catalogued message: its stable code and its format in each language (fmt syntax). The arguments are kept as
// text (what crosses the wire), so a format uses plain {} or {n} only, never a numeric spec such as {:.1f}.
struct MessageText {
  std::string_view code;  // stable: stored by the server and sent to stations; never reused for another meaning
  std::string_view zh;
  std::string_view en;
};

// One argument of a catalogued message, as text in each language (the same for a name or a number; a label or a
// nested message differs).
struct MessageArg {
  std::string zh;
  std::string en;
  friend bool operator==(const MessageArg&, const MessageArg&) = default;
};

class Message {
 public:
  Message() = default;
  // Text that reads the same in every language: a name, a code, an SQLite error.
  Message(std::string text) : zh_(std::move(text)), same_(true) {}  // NOLINT(google-explicit-constructor)
  Message(const char* text) : Message(std::string(text)) {}         // NOLINT(google-explicit-constructor)
  // Text already written in both languages.
  static Message bilingual(std::string zh, std::string en);
  // A catalogued message from its text and arguments (rendered now, in both languages). Throws fmt::format_error
  // if the arguments do not fit the format (a programming error for our own catalogue).
  static Message catalogued(const MessageText& text, std::vector<MessageArg> args);

  // The catalogue code; empty for an uncatalogued message.
  const std::string& code() const { return code_; }
  // The arguments of a catalogued message.
  const std::vector<MessageArg>& args() const { return args_; }
  bool empty() const { return zh_.empty() && (same_ || en_.empty()); }

  // The text in `lang`.
  const std::string& in(i18n::Lang lang) const { return same_ || lang == i18n::Lang::Zh ? zh_ : en_; }
  // The text in the reader's language (i18n::language()): for the edge.
  const std::string& str() const { return in(i18n::language()); }
  // Rendering at the edge where a string is wanted (a table cell, a log line).
  operator std::string() const { return str(); }  // NOLINT(google-explicit-constructor)

  // The form that is stored and sent: {"code", "args"} (each argument a string, or {"zh", "en"} where they
  // differ). An uncatalogued message goes as code "text" with its two renderings as the one argument
  // (kPlainText), so every message has a code on the wire.
  nlohmann::json to_json() const;
  // Reads to_json()'s form with `lookup` (code -> text, nullptr if unknown). nullopt for an unknown code, a
  // malformed value or arguments that do not fit the format: the caller falls back to the text it also has.
  using Lookup = const MessageText* (*)(std::string_view code);
  static std::optional<Message> from_json(const nlohmann::json& value, Lookup lookup);

  friend bool operator==(const Message&, const Message&) = default;

 private:
  std::string code_;
  std::vector<MessageArg> args_;
  std::string zh_;
  std::string en_;
  bool same_ = false;  // en_ is unused: the text is the same in both languages
};

// The catalogue entry of an uncatalogued message on the wire: its text in each language as the one argument.
inline constexpr MessageText kPlainText{"text", "{}", "{}"};
// "field: reason", as Status::to_string() shows it.
inline constexpr MessageText kFieldReason{"field_reason", "{}: {}", "{}: {}"};
// The entries every catalogue holds (kPlainText, kFieldReason); nullptr for another code.
const MessageText* find_base_message(std::string_view code);

inline std::ostream& operator<<(std::ostream& out, const Message& message) { return out << message.str(); }

}  // namespace tongdang

// A Message formats as its text in the reader's language.
template <>
struct fmt::formatter<tongdang::Message> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(const tongdang::Message& message, Context& context) const {
    return fmt::formatter<std::string_view>::format(message.str(), context);
  }
};

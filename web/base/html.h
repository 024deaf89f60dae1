// Writing HTML with every value escaped by default (docs/design.md "The web pages").
//
// A page is written as fragments of literal HTML with holes: `html("<td>{}</td>", child_name)`. The fragment is a
// format string checked at compile time (fmt::format_string), so it can only be a literal of the program; every
// argument is HTML-escaped as it fills its hole, whatever its type. The one way to put markup in a hole is a Markup
// value, which only this writer makes (from an Html it has built, or from a literal through Markup::literal). There
// is no "raw string" call: a child named `<img src=x onerror=alert(1)>` can only ever reach the page as text.
//
// Why not a template engine (mstch, packaged): its templates are strings looked up at run time, a typo in a
// variable renders empty instead of failing the build, and escaping is chosen per hole by the template ({{ }} vs
// {{{ }}}). Here the compiler checks every fragment's holes against its arguments, and escaping is not a choice.
#pragma once

#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

namespace tongdang::web {

// Markup that is safe as it is: built by an Html writer, or a literal of the program.
class Markup {
 public:
  Markup() = default;
  template <std::size_t N>
  static Markup literal(const char (&text)[N]) {
    return Markup(std::string(text, N - 1));
  }
  const std::string& str() const { return html_; }
  bool empty() const { return html_.empty(); }

 private:
  friend class Html;
  explicit Markup(std::string html) : html_(std::move(html)) {}
  std::string html_;
};

// `text` with & < > " ' replaced by entities: safe in element content and in a quoted attribute value.
std::string escape(std::string_view text);
void escape_to(std::string& out, std::string_view text);

namespace detail {
// An argument on its way into a hole: formatted as fmt would, then escaped (Markup passes unchanged).
template <typename T>
struct Escaped {
  const T& value;
};
}  // namespace detail

class Html {
 public:
  // Appends `fragment` with each {} filled by the escaped argument.
  template <typename... Args>
  Html& operator()(fmt::format_string<detail::Escaped<Args>...> fragment, const Args&... args) {
    fmt::format_to(std::back_inserter(out_), fragment, detail::Escaped<Args>{args}...);
    return *this;
  }
  // Appends escaped text.
  Html& text(std::string_view value) {
    escape_to(out_, value);
    return *this;
  }
  Html& add(const Markup& markup) {
    out_ += markup.str();
    return *this;
  }
  Markup markup() const& { return Markup(out_); }
  Markup markup() && { return Markup(std::move(out_)); }
  const std::string& str() const { return out_; }
  std::string take() && { return std::move(out_); }
  std::size_t size() const { return out_.size(); }

 private:
  std::string out_;
};

// A URL of this application: `path` with each {} filled by the argument percent-encoded as a path segment or a
// query value (so an id or a search word can never end the attribute or start another parameter). The result still
// goes through a hole, so it is also HTML-escaped.
std::string percent_encode(std::string_view text);
namespace detail {
template <typename>
using AsString = std::string;
}  // namespace detail
template <typename... Args>
std::string url(fmt::format_string<detail::AsString<Args>...> path, const Args&... args) {
  return fmt::format(path, percent_encode(fmt::format("{}", args))...);
}

}  // namespace tongdang::web

template <typename T>
struct fmt::formatter<tongdang::web::detail::Escaped<T>> {
  constexpr auto parse(fmt::format_parse_context& context) { return context.begin(); }
  template <typename Context>
  auto format(const tongdang::web::detail::Escaped<T>& arg, Context& context) const {
    if constexpr (std::is_same_v<T, tongdang::web::Markup>) {
      return fmt::format_to(context.out(), "{}", arg.value.str());
    } else {
      const std::string text = fmt::format("{}", arg.value);
      return fmt::format_to(context.out(), "{}", tongdang::web::escape(text));
    }
  }
};

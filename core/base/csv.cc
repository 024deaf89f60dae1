#include "core/base/csv.h"

namespace tongdang {

std::string csv_cell(std::string_view text) {
  const bool formula = !text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos;
  bool needs_quotes = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                      (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  std::string out;
  out.reserve(text.size() + (needs_quotes ? 3 : 1));
  if (needs_quotes) out += '"';
  if (formula) out += '\'';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  if (needs_quotes) out += '"';
  return out;
}

std::string_view csv_unguard(std::string_view cell) {
  if (!cell.empty() && cell.front() == '\'') cell.remove_prefix(1);
  return cell;
}

}  // namespace tongdang

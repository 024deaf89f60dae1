// Ledger cells as written (cells.h).
#include "core/ledger/cells.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "core/ledger/columns.h"

namespace tongdang {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Excel's serials: 1 is 1900-01-01 and, since Excel counts a 29 February 1900 that never was, every serial from
// 61 on is days since 1899-12-30. The smallest and largest a ledger date can sensibly be (1900 to 2099): beyond
// those a plain number is not taken for a date.
constexpr int kExcelSerialMin = 61;
constexpr int kExcelSerialMax = 73050;
constexpr int kExcelSerialDigitsMax = 5;

// Year, month and day separated by one of these (or 年 月 日): the forms people type.
constexpr std::array<std::string_view, 6> kDateSeparators = {"-", "/", ".", "年", "月", "日"};

std::optional<int> read_number(std::string_view& text, std::size_t max_digits) {
  std::size_t n = 0;
  while (n < text.size() && n < max_digits && is_digit(text[n])) ++n;
  if (n == 0) return std::nullopt;
  int value = 0;
  std::from_chars(text.data(), text.data() + n, value);
  text.remove_prefix(n);
  return value;
}

bool skip_separator(std::string_view& text) {
  for (std::string_view s : kDateSeparators)
    if (text.substr(0, s.size()) == s) {
      text.remove_prefix(s.size());
      return true;
    }
  return false;
}

}  // namespace

std::string clean_cell(std::string_view cell) {
  std::string_view text = trim_cell(cell);
  if (!text.empty() && (text.front() == '\'' || text.front() == '\t')) text = trim_cell(text.substr(1));
  // ="320324…": how the export keeps a long number text in Excel (an Excel formula giving that text).
  if (text.size() >= 3 && text.substr(0, 2) == "=\"" && text.back() == '"') text = text.substr(2, text.size() - 3);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    // Full-width forms U+FF10–FF19 (０-９) and U+FF21–FF3A, U+FF41–FF5A (Ａ-Ｚ, ａ-ｚ): EF BC 90–99, EF BC A1–BA,
    // EF BD 81–9A. Only digits and letters: full-width punctuation (，：) is the user's and stays.
    if (i + 2 < text.size() && static_cast<unsigned char>(text[i]) == 0xEF) {
      auto b1 = static_cast<unsigned char>(text[i + 1]), b2 = static_cast<unsigned char>(text[i + 2]);
      if (b1 == 0xBC && b2 >= 0x90 && b2 <= 0x99) {
        out += static_cast<char>('0' + (b2 - 0x90));
        i += 2;
        continue;
      }
      if (b1 == 0xBC && b2 >= 0xA1 && b2 <= 0xBA) {
        out += static_cast<char>('A' + (b2 - 0xA1));
        i += 2;
        continue;
      }
      if (b1 == 0xBD && b2 >= 0x81 && b2 <= 0x9A) {
        out += static_cast<char>('a' + (b2 - 0x81));
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string without_spaces(std::string_view cell) {
  std::string out;
  constexpr std::string_view kWideSpace = "\xE3\x80\x80";
  for (std::size_t i = 0; i < cell.size(); ++i) {
    if (cell[i] == ' ' || cell[i] == '\t') continue;
    if (cell.substr(i, 3) == kWideSpace) {
      i += 2;
      continue;
    }
    out += cell[i];
  }
  return out;
}

bool is_scientific_notation(std::string_view cell) {
  // digits [. digits] (E|e) [+] digits
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t from = i;
    while (i < cell.size() && is_digit(cell[i])) ++i;
    return i > from;
  };
  if (!digits()) return false;
  if (i < cell.size() && cell[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i >= cell.size() || (cell[i] != 'E' && cell[i] != 'e')) return false;
  ++i;
  if (i < cell.size() && cell[i] == '+') ++i;
  return digits() && i == cell.size();
}

std::optional<Date> parse_ledger_date(std::string_view cell) {
  std::string_view text = trim_cell(cell);
  if (text.empty()) return std::nullopt;
  if (std::all_of(text.begin(), text.end(), is_digit)) {
    if (text.size() == 8) return Date::parse(text);
    if (text.size() <= static_cast<std::size_t>(kExcelSerialDigitsMax)) {
      int serial = 0;
      std::from_chars(text.data(), text.data() + text.size(), serial);
      if (serial < kExcelSerialMin || serial > kExcelSerialMax) return std::nullopt;
      return Date(1899, 12, 30).plus_days(serial);
    }
    return std::nullopt;
  }
  // An Excel date-time written out as text ("2014-03-15 00:00:00"): the time is dropped.
  if (auto space = text.find(' '); space != std::string_view::npos) text = text.substr(0, space);
  auto year = read_number(text, 4);
  if (!year || *year < 1000 || !skip_separator(text)) return std::nullopt;
  auto month = read_number(text, 2);
  if (!month || !skip_separator(text)) return std::nullopt;
  auto day = read_number(text, 2);
  if (!day) return std::nullopt;
  if (!text.empty() && !(text == "日" || text == "号")) return std::nullopt;
  Date date(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  if (!date.valid()) return std::nullopt;
  return date;
}

}  // namespace tongdang

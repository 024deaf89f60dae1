#include "context.h"

#include <algorithm>

#include "core/base/i18n.h"

namespace tongdang::cli {

Station& Context::open() {
  if (!station) {
    station = take(Station::open(db_path, process_clock()));
    if (!as_user.empty()) check(station->act_as(as_user));
  }
  return *station;
}

void Context::check(const Status& status) const {
  if (!status) throw CommandFailed{status};
}

void Context::print_json(const nlohmann::json& value) const {
  std::cout << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void Context::warn(const std::string& message) const {
  std::cerr << (i18n::language() == i18n::Lang::Zh ? "提示：" : "warning: ") << message << "\n";
}

void print_table(std::ostream& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(headers.size());
  for (std::size_t c = 0; c < headers.size(); ++c) widths[c] = display_width(headers[c]);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c)
      widths[c] = std::max(widths[c], display_width(row[c]));
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < headers.size(); ++c) {
      const std::string& cell = c < row.size() ? row[c] : std::string();
      line += cell;
      if (c + 1 < headers.size()) line += std::string(widths[c] - display_width(cell) + 2, ' ');
    }
    out << line << "\n";
  };
  print_row(headers);
  std::vector<std::string> rule;
  for (std::size_t w : widths) rule.emplace_back(w, '-');
  print_row(rule);
  for (const auto& row : rows) print_row(row);
}

std::map<std::string, std::string> parse_assignments(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw CommandFailed{Status::invalid("set", i18n::trf("'{}' 应写成 字段=值", "'{}' must be FIELD=VALUE", item))};
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

}  // namespace tongdang::cli

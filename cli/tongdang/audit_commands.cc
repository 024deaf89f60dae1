// tongdang audit list, tongdang audit verify.
#include <iostream>

#include "command_line.h"
#include "context.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/db/audit_chain.h"
#include "core/store/audit_log.h"
#include "core/store/record_ref.h"

namespace tongdang::cli {
namespace {

using i18n::label;
using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using nlohmann::json;

void print_audit(Context& context, const AuditFilter& filter) {
  Station& station = context.open();
  auto rows = context.take(list_audit(station, filter));
  if (context.json) {
    context.print_json(rows);
    return;
  }
  std::vector<std::vector<std::string>> table;
  for (const auto& row : rows) {
    const std::string entity_id = row["entity_id"];
    // Record ids are long UUIDs: their last characters identify them (core/record_ref.h); names stay whole.
    const bool is_record = row["entity"] == "child" || row["entity"] == "relative" || row["entity"] == "event";
    table.push_back({std::to_string(row["seq"].get<std::int64_t>()), row["at"].get<std::string>(),
                     row["actor"].get<std::string>(), row["action"].get<std::string>(),
                     row["entity"].get<std::string>(), is_record ? short_record_id(entity_id) : entity_id});
  }
  print_table(std::cout, {tr("序号", "seq"), tr("时间", "time"), tr("用户", "user"), tr("动作", "action"),
                          tr("对象", "entity"), tr("编号", "id")},
              table);
}

// Exit 0 with the row count and the chain head when the chain is whole; exit 1 naming the first broken link.
void verify_audit(Context& context) {
  Station& station = context.open();
  const audit_chain::Verification checked = audit_chain::verify(station.db(), audit_chain::station_audit());
  if (context.json) {
    json out = {{"table", checked.table}, {"rows", checked.rows}, {"whole", !checked.broken},
                {"head", {{"seq", checked.head.key}, {"hash", checked.head.hash}}}};
    if (checked.broken)
      out["broken"] = {{"seq", checked.broken->key}, {"at", checked.broken->at}, {"action", checked.broken->action}};
    context.print_json(out);
  }
  if (checked.broken) context.check(Status::internal(audit_chain::describe(*checked.broken)));
  if (!context.json)
    std::cout << trf("审计链完整：{} 表共 {} 行；链头为第 {} 行，哈希 {}\n",
                     "audit chain whole: table {}, {} rows; head row {}, hash {}\n", checked.table, checked.rows,
                     checked.head.key, checked.head.hash);
}

}  // namespace

void register_audit_commands(CLI::App& app, Context& context) {
  auto* audit = app.add_subcommand("audit", tr("审计记录：最近的记录，以及哈希链检查",
                                               "the audit trail: recent rows, and a check of its hash chain"));
  audit->require_subcommand(1);
  auto filter = std::make_shared<AuditFilter>();
  auto* list = audit->add_subcommand(
      "list", tr("最近的审计记录，新的在前（督导员或县级）", "recent audit rows, newest first (supervisor or county)"));
  list->add_option("--action", filter->action,
                   tr("只列该操作，如 file.open_red", "only this action, e.g. file.open_red"));
  range_option(list->add_option("--limit", filter->limit, tr("列出多少条（默认 50）", "how many rows (default 50)")), 1,
               1000000);
  list->callback([&context, filter] { print_audit(context, *filter); });
  auto* verify = audit->add_subcommand(
      "verify", tr("检查审计哈希链：完整时退出码 0；否则为 1，并指出第一条被改动、删除或插入的记录",
                   "walk the audit hash chain: exit 0 if whole, 1 naming the first altered, deleted or inserted row"));
  verify->callback([&context] { verify_audit(context); });
}

}  // namespace tongdang::cli

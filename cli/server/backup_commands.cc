// tongdang-server backup | restore: the central database copied while the server runs, and put back so that the
// stations push again what the restored copy lacks. The work is in sync/server/sqlite/sqlite_backup.cc.
#include "backup_commands.h"

#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "command_line.h"
#include "core/base/date.h"
#include "core/base/i18n.h"
#include "sync/server/sqlite/sqlite_backup.h"

namespace tongdang::server_cli {

using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using nlohmann::json;

namespace {

json facts_json(const sync::BackupFacts& facts) {
  return {{"server_id", facts.server_id}, {"county", facts.county},     {"name", facts.name},
          {"taken_at", facts.taken_at},   {"backup_hlc", facts.backup_hlc}, {"children", facts.children}};
}

}  // namespace

void register_backup_commands(CLI::App& app, const std::string& db_path, const bool& as_json,
                              const std::function<void(const Status&)>& check) {
  struct Args {
    std::string out, from;
    bool replace = false;
  };
  auto args = std::make_shared<Args>();

  auto* backup = app.add_subcommand(
      "backup", tr("备份中心数据库（服务运行时也可以）", "back up the central database (also while the server runs)"));
  backup->add_option("--out", args->out, tr("备份文件", "the backup file"))->required();
  backup->add_flag("--force", args->replace, tr("替换已有的同名文件", "replace an existing file of that name"));
  backup->callback([&db_path, &as_json, check, args] {
    auto taken = sync::backup_sqlite_store(db_path, args->out, process_clock().now_iso(), args->replace);
    check(taken.status());
    const sync::BackupFacts& facts = taken.value();
    if (as_json) {
      json out = facts_json(facts);
      out["out"] = args->out;
      out["bytes"] = facts.bytes;
      std::cout << out.dump() << "\n";
      return;
    }
    std::cout << trf("已备份 {}（{} {}，{} 份档案，{} 字节）到 {}\n",
                     "backed up {} ({} {}, {} files, {} bytes) to {}\n", db_path, facts.county, facts.name,
                     facts.children, facts.bytes, args->out);
    std::cout << tr("请把备份文件移到另一台机器或介质上保存；文件含儿童个人信息，只有本用户可读。\n",
                    "move the backup to another machine or medium; it holds children's personal data and is "
                    "readable by this user only.\n");
  });

  auto* restore = app.add_subcommand(
      "restore", tr("从备份恢复中心数据库（先停止服务）", "restore the central database from a backup (stop the "
                                                             "service first)"));
  restore->add_option("backup", args->from, tr("备份文件", "the backup file"))->required();
  restore->add_flag("--force", args->replace,
                    tr("--db 已有数据库时把它移到一旁再恢复", "when --db exists, move it aside and restore"));
  restore->callback([&db_path, &as_json, check, args] {
    auto restored = sync::restore_sqlite_store(args->from, db_path, process_clock().now_iso(), args->replace);
    check(restored.status());
    const sync::RestoreFacts& facts = restored.value();
    if (as_json) {
      std::cout << json{{"backup", facts_json(facts.backup)},
                        {"db", db_path},
                        {"server_id", facts.new_server_id},
                        {"set_aside", facts.set_aside}}
                       .dump()
                << "\n";
      return;
    }
    std::cout << trf("已从 {} 恢复 {}（{} {}，{} 份档案，备份于 {}）\n",
                     "restored {1} from {0} ({2} {3}, {4} files, backed up at {5})\n", args->from, db_path,
                     facts.backup.county, facts.backup.name, facts.backup.children,
                     facts.backup.taken_at.empty() ? tr("未知时间", "an unknown time") : facts.backup.taken_at);
    if (!facts.set_aside.empty())
      std::cout << trf("原来的数据库已移到 {}\n", "the database that was there is now {}\n", facts.set_aside);
    std::cout << tr("各站点下次同步时会从头读取本服务器的记录，并重新上传备份之后已上传的更改。\n",
                    "each station, at its next sync, reads this server's logs from the start and uploads again "
                    "what it had uploaded since the backup.\n");
  });
}

}  // namespace tongdang::server_cli

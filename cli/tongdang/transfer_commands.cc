// tongdang child set-id, tongdang transfer: the file follows the child (core/workflow/transfer.h).
#include "arguments.h"
#include "command_line.h"
#include "context.h"
#include "core/base/i18n.h"
#include "core/model/id_number.h"
#include "core/workflow/children.h"
#include "core/workflow/transfer.h"

namespace tongdang::cli {
namespace {

using i18n::edge::tr;
using nlohmann::json;

void add_child_set_id(CLI::App& child, Context& context) {
  auto* set_id = child.add_subcommand(
      "set-id", tr("更正身份证号，或为无户籍儿童登记身份证号（督导员或县级）",
                   "correct the ID number, or give a child without household registration its number (supervisor "
                   "or county)"));
  auto ref = std::make_shared<std::string>();
  auto number = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  set_id->add_option("child", *ref, child_help())->required();
  set_id->add_option("--id-number", *number, tr("新的身份证号", "the new ID number"))->required();
  set_id->add_option("--reason", *reason, tr("更正原因", "why the number changes"))->required();
  set_id->callback([&context, ref, number, reason] {
    Station& station = context.open();
    auto corrected = context.take(set_id_number(station, *ref, *number, *reason));
    for (const auto& notice : corrected.notices) context.warn(notice);
    if (context.json) {
      context.print_json({{"id", corrected.child_id}, {"id_number", mask_id_number(corrected.id_number)},
                          {"notices", corrected.notices}});
    } else {
      std::cout << tr("身份证号已更正为 ", "ID number corrected to ") << mask_id_number(corrected.id_number)
                << tr("；原号码仍可查到此档案\n", "; the old number still finds this file\n");
    }
  });
}

void add_transfer(CLI::App& app, Context& context) {
  auto* transfer = app.add_subcommand(
      "transfer", tr("把档案转移到本县另一个乡镇，或因迁出本县结案（督导员或县级；离线可办，下次同步生效）",
                     "transfer a file to another township of the county, or close it as moved out of the county "
                     "(supervisor or county; works offline, applied at the next sync)"));
  auto ref = std::make_shared<std::string>();
  auto village = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  auto out_of_county = std::make_shared<bool>(false);
  auto destination = std::make_shared<std::string>();
  transfer->add_option("child", *ref, child_help())->required();
  auto* to = transfer->add_option("--to-village", *village,
                                  tr("接收的村(居)代码（12位，本县另一个乡镇）",
                                     "the receiving village's 12-digit code (another township of the county)"));
  auto* out = transfer->add_flag("--out-of-county", *out_of_county,
                                 tr("迁出本县：档案以“迁出本县”结案", "the child leaves the county: the file closes as "
                                    "moved out of the county"));
  auto* where = transfer->add_option("--destination", *destination,
                                     tr("迁往何处（与 --out-of-county 一起用）", "where to (with --out-of-county)"));
  to->excludes(out);
  where->needs(out);
  out->needs(where);
  transfer->add_option("--reason", *reason, tr("转移原因", "why"))->required();
  transfer->callback([&context, ref, village, reason, out_of_county, destination] {
    Station& station = context.open();
    if (!*out_of_county && village->empty())
      context.check(Status::invalid("to_village", i18n::tr("需要 --to-village 或 --out-of-county",
                                                           "--to-village or --out-of-county is needed")));
    const std::string id = context.take(resolve_child(station, *ref));
    context.check(*out_of_county ? move_out_of_county(station, id, *destination, *reason)
                                 : transfer_child(station, id, *village, *reason));
    if (context.json) {
      context.print_json(*out_of_county ? json{{"id", id}, {"status", "closed"}, {"kind", kMovedOutOfCounty},
                                               {"destination", *destination}}
                                        : json{{"id", id}, {"to_village", *village}, {"status", "transferred"}});
    } else if (*out_of_county) {
      std::cout << tr("已按“迁出本县”结案\n", "file closed as moved out of the county\n");
    } else {
      std::cout << tr("已办理转移，下次同步后由接收乡镇接管；本站保留只读记录\n",
                      "transferred: the receiving township takes the file over after the next sync; this station "
                      "keeps a read-only record\n");
    }
  });
}

}  // namespace

void register_transfer_commands(CLI::App& app, Context& context) {
  add_child_set_id(*app.get_subcommand("child"), context);
  add_transfer(app, context);
}

}  // namespace tongdang::cli

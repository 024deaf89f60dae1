// tongdang policy show|set: the county policy in force (schedule, instrument cut-offs, screening deadlines), and
// the policy that init loads (Context::before_init, after_init).
#include <iostream>

#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "workflow_commands.h"

namespace tongdang::cli {
namespace {

using i18n::label;
using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;

void print_policy(const Policy& p) {
  std::cout << trf("县级政策版本：{}\n", "county policy version: {}\n", p.version);
  std::vector<std::vector<std::string>> rows;
  for (Colour c : all_colours_high_first()) {
    const ColourSchedule& s = p.schedule[c];
    rows.push_back({label(to_string(c)), s.first_response_days ? std::to_string(s.first_response_days) : "-",
                    std::to_string(s.director_visit_days), std::to_string(s.supervisor_visit_days),
                    std::to_string(s.reassess_days), std::to_string(s.escalate_after_days)});
  }
  print_table(std::cout,
              {label("colour"), tr("首次响应(天)", "first response (days)"), tr("入户走访(天)", "home visit (days)"),
               tr("督导走访(天)", "supervisor (days)"), tr("重新评估(天)", "reassess (days)"),
               tr("逾期上报(天)", "escalate after (days)")},
              rows);
  std::cout << trf(
      "分界：红 ≥{}，黄 ≥{}，蓝 ≥{}，其余绿；排查时限：核查 {} 天（疑似红色 {} 天），乡镇审核 {} 个工作日，"
      "县级认定 {} 个工作日\n",
      "cut-offs: red ≥{}, yellow ≥{}, blue ≥{}, else green; screening: verify {} days ({} if red is "
      "suspected), review {} working days, confirm {} working days\n",
      p.instrument.red_from, p.instrument.yellow_from, p.instrument.blue_from, p.screening.verify_days,
      p.screening.verify_days_suspected_red, p.screening.review_working_days, p.screening.confirm_working_days);
}

void add_policy_show(CLI::App& policy, Context& context) {
  auto* show = policy.add_subcommand("show", tr("显示现行政策", "show the policy in force"));
  show->callback([&context] {
    Station& station = context.open();
    const Policy& p = stored_policy(station.db());
    if (context.json)
      context.print_json(p.document);
    else
      print_policy(p);
  });
}

void add_policy_set(CLI::App& policy, Context& context) {
  auto* set = policy.add_subcommand(
      "set", tr("载入县级政策文件（督导员或县级）", "load a county policy file (supervisor or county)"));
  auto path = std::make_shared<std::string>();
  set->add_option("file", *path, tr("政策 JSON 文件", "policy JSON"))->required();
  set->callback([&context, path] {
    Station& station = context.open();
    Policy p = load_policy_file(*path);
    context.check(set_station_policy(station, p));
    if (context.json)
      context.print_json({{"version", p.version}});
    else
      std::cout << trf("已启用县级政策 {}\n", "county policy {} is now in force\n", p.version);
  });
}

}  // namespace

void Context::before_init() {
  // Refuse a bad policy before init creates anything, so a refused init leaves no file behind.
  if (!policy_file_for_init.empty()) (void)load_policy_file(policy_file_for_init);
}

void Context::after_init() {
  const Policy policy = policy_file_for_init.empty() ? default_policy() : load_policy_file(policy_file_for_init);
  check(station->write([&](WriteContext& w) {
    store_policy(w.db(), policy);
    w.audit("policy.set", "policy", policy.version, nlohmann::json(), nlohmann::json{{"version", policy.version}});
    return Status::ok();
  }));
}

void register_policy_commands(CLI::App& app, Context& context) {
  auto* policy = app.add_subcommand("policy", tr("县级政策参数", "county policy"));
  policy->require_subcommand(1);
  add_policy_show(*policy, context);
  add_policy_set(*policy, context);
}

}  // namespace tongdang::cli

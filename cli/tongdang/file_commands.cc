// The whole file and what waits on it: `child show` (everything open_child_file holds), `child history`,
// `visit list`, `referral add|update`, and `tongdang review` (the one review queue). Thin: parse, call the use case,
// print; the rules live in core/workflow (child_file.h, review_queue.h, referrals.h, search.h).
#include "file_commands.h"

#include <functional>
#include <iostream>

#include "arguments.h"
#include "command_line.h"
#include "core/base/i18n.h"
#include "core/base/tuning.h"
#include "core/model/choices.h"
#include "core/model/id_number.h"
#include "core/model/labels.h"
#include "core/store/record_ref.h"
#include "core/workflow/child_file.h"
#include "core/workflow/children.h"
#include "core/workflow/referrals.h"
#include "core/workflow/review_queue.h"
#include "core/workflow/search.h"
#include "sync/station/conflicts.h"
#include "sync/station/status.h"
#include "workflow_commands.h"

namespace tongdang::cli {

using i18n::label;
using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using nlohmann::json;

namespace {

std::string text(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return label(value.get<bool>() ? "yes" : "no");
  return value.dump();
}

// A vocabulary key as its label ("referral_to.police" → 公安机关).
std::string word(Vocabulary vocabulary, const std::string& key) { return key.empty() ? "" : label(vocabulary, key); }

json referral_json(const Referral& r) {
  return {{"id", r.id},           {"child_id", r.child_id}, {"name", r.name},       {"village", r.village},
          {"to", r.to},           {"kind", r.kind},         {"made_on", r.made_on}, {"summary", r.summary},
          {"status", r.status},   {"outcome", r.outcome},   {"updated_on", r.updated_on}, {"made_by", r.made_by}};
}

void print_referrals(const std::vector<Referral>& referrals, bool with_child) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : referrals) {
    std::vector<std::string> row{short_record_id(r.id)};
    if (with_child) row.insert(row.end(), {r.name, r.village});
    row.insert(row.end(), {r.made_on, word(Vocabulary::ReferralKind, r.kind), word(Vocabulary::ReferralTo, r.to),
                           word(Vocabulary::ReferralStatus, r.status), r.summary, r.outcome});
    rows.push_back(std::move(row));
  }
  std::vector<std::string> headers{tr("编号", "id")};
  if (with_child) headers.insert(headers.end(), {label("name"), label("village")});
  headers.insert(headers.end(), {label("date"), tr("类型", "kind"), tr("对象", "to"), label("status"),
                                 label("summary"), tr("结果", "outcome")});
  print_table(std::cout, headers, rows);
}

void print_visits(const std::vector<json>& visits) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : visits) {
    std::string with;
    for (const auto& who : v.value("with", json::array())) with += (with.empty() ? "" : "、") + text(who);
    rows.push_back({text(v["visit_on"]), word(Vocabulary::VisitKind, text(v["kind"])), with,
                    v["key_event"].is_string() ? word(Vocabulary::KeyEvent, v["key_event"]) : "", text(v["notes"]),
                    text(v["actor"])});
  }
  print_table(std::cout, {label("date"), tr("方式", "kind"), tr("同行", "with"), tr("关键事件", "key event"),
                          label("notes"), tr("记录人", "by")},
              rows);
}

void print_history(const std::vector<HistoryEntry>& entries) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : entries) {
    std::string fields;
    for (const auto& f : e.fields) fields += (fields.empty() ? "" : "、") + label(f);
    std::string what = label(e.what);
    std::string note = e.note;
    if (e.what == "file.import") {  // the note is the county it came from
      what = trf("从{}转入", "transferred in from {}", e.note);
      note.clear();
    }
    if (!e.file.empty()) what += trf("（合并自档案 {}）", " (of merged file {})", short_record_id(e.file));
    rows.push_back({e.at.substr(0, 16), e.on, what, e.actor, e.role.empty() ? "" : word(Vocabulary::Role, e.role),
                    note.empty() ? fields : note, short_record_id(e.id)});
  }
  print_table(std::cout, {tr("记录时间", "recorded"), label("date"), tr("事项", "what"), tr("操作人", "who"),
                          label("role"), tr("内容/字段", "note or fields"), label("id")},
              rows);
}

json history_json(const std::vector<HistoryEntry>& entries) {
  json out = json::array();
  for (const auto& e : entries)
    out.push_back({{"at", e.at}, {"on", e.on}, {"actor", e.actor}, {"role", e.role}, {"what", e.what},
                   {"entity", e.entity}, {"id", e.id}, {"fields", e.fields}, {"note", e.note},
                   {"merged_from", e.file.empty() ? json(nullptr) : json(e.file)}});
  return out;
}

// The conflicts synced down for one child.
std::vector<json> conflicts_of(Station& station, const std::string& child_id) {
  std::vector<json> out;
  for (auto& c : sync::list_conflicts(station, false))
    if (c.value("child_id", "") == child_id) out.push_back(std::move(c));
  return out;
}

void section(const std::string& title) { std::cout << "\n" << title << "\n"; }

void print_file_sections(const ChildFile& file, const std::vector<Referral>& referrals,
                         const std::vector<json>& conflicts) {
  const json& colour = file.colour;
  section(tr("风险等级", "Colour"));
  std::cout << trf("当前：{}（自 {}）\n", "now: {} (since {})\n", colour_text(colour["colour"]), text(colour["since"]));
  const json& steps = colour["history"];
  const std::size_t shown = std::min<std::size_t>(steps.size(), tuning::kFileRecentRows);
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = steps.size() - shown; i < steps.size(); ++i) {
    const json& s = steps[i];
    rows.push_back({text(s["date"]), label(text(s["kind"])), colour_text(s["from"]), colour_text(s["to"]),
                    label(s["applied"].get<bool>() ? "yes" : "no"), text(s["actor"]), text(s["reason"])});
  }
  if (!rows.empty())
    print_table(std::cout, {label("date"), tr("类型", "kind"), tr("原等级", "from"), tr("新等级", "to"),
                            tr("生效", "applied"), tr("操作人", "who"), label("reason")},
                rows);

  const json& state = file.state;
  if (!state.is_null()) {
    section(tr("走访与评估", "Visits and assessments"));
    std::cout << trf("最近入户走访：{}；下次走访：{}；最近评估：{}（得分 {}）；下次重新评估：{}\n",
                     "last home visit: {}; next visit due: {}; last assessed: {} (score {}); reassessment due: {}\n",
                     text(state["last_home_visit"]), text(state["next_visit_due"]), text(state["last_assessed_on"]),
                     text(state["last_score"]), text(state["next_reassessment_due"]));
    std::cout << trf("个案负责人：{}；关爱措施（有效）：{}；最低关爱计划：{}\n",
                     "case worker: {}; active care measures: {}; minimum care plan met: {}\n",
                     text(state["case_worker"]), text(state["care_measures_active"]),
                     state["care_plan_met"].is_null() ? "" : label(state["care_plan_met"].get<std::int64_t>() ? "yes" : "no"));
  }
  if (!file.screening.empty()) {
    section(tr("排查", "Screening"));
    std::vector<std::vector<std::string>> lead_rows;
    for (const auto& l : file.screening)
      lead_rows.push_back({short_record_id(text(l["id"])), label(text(l["state"])), text(l["discovered_on"]),
                           text(l["verified_on"]), text(l["reviewed_on"]), text(l["returned_on"]),
                           text(l["return_reason"]), text(l["confirmed_on"])});
    print_table(std::cout, {label("lead"), label("status"), tr("发现", "discovered"), tr("核查", "verified"),
                            tr("审核", "reviewed"), tr("退回", "returned"), label("reason"), tr("认定", "confirmed")},
                lead_rows);
  }
  if (!file.visits.empty()) {
    section(trf("最近走访（共 {} 次，全部见 tongdang visit list）", "Last visits ({} in all; tongdang visit list shows "
                "them all)", file.visits.size()));
    print_visits({file.visits.begin(), file.visits.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(
                                                                  file.visits.size(), tuning::kFileRecentRows))});
  }
  if (!file.care.empty()) {
    section(tr("关爱措施", "Care measures"));
    std::vector<std::vector<std::string>> care_rows;
    for (const auto& m : file.care)
      care_rows.push_back({short_record_id(text(m["id"])), word(Vocabulary::CareArea, text(m["area"])), text(m["item"]),
                           text(m["provider"]), word(Vocabulary::CareStatus, text(m["status"])),
                           text(m["started_on"]), text(m["outcome"])});
    print_table(std::cout, {label("id"), label("area"), label("item"), label("provider"), label("status"),
                            label("from"), label("outcome")},
                care_rows);
  }
  if (!referrals.empty()) {
    section(tr("强制报告与转介", "Mandatory reports and referrals"));
    print_referrals(referrals, false);
  }
  if (!file.reviews.empty()) {
    section(tr("待复核的降级", "Lowerings waiting for review"));
    std::vector<std::vector<std::string>> review_rows;
    for (const auto& r : file.reviews)
      review_rows.push_back({text(r["opened_on"]), colour_text(r["from_colour"]), colour_text(r["proposed_colour"]),
                             label(text(r["why"])), text(r["opened_by"])});
    print_table(std::cout, {label("date"), tr("原等级", "from"), tr("提议", "proposed"), label("reason"),
                            tr("提出人", "by")},
                review_rows);
  }
  if (!conflicts.empty()) {
    section(tr("待处理的同步冲突（tongdang conflicts）", "Open sync conflicts (tongdang conflicts)"));
    for (const auto& c : conflicts) std::cout << "  " << text(c["id"]) << "  " << label(text(c["field"])) << "\n";
  }
  section(trf("最近变更（全部见 tongdang child history）", "Recent changes (tongdang child history shows them all)"));
  std::vector<std::vector<std::string>> change_rows;
  for (std::size_t i = 0; i < std::min<std::size_t>(file.history.size(), tuning::kFileRecentRows); ++i) {
    const json& h = file.history[i];
    std::string fields;
    for (const auto& f : h["fields"]) fields += (fields.empty() ? "" : "、") + label(text(f));
    std::string what = label(text(h["action"]));
    if (h.contains("merged_from")) what += trf("（合并自档案 {}）", " (of merged file {})", text(h["merged_from"]));
    change_rows.push_back({text(h["at"]).substr(0, 16), what, text(h["actor"]), fields});
  }
  print_table(std::cout, {tr("时间", "at"), tr("事项", "what"), tr("操作人", "who"), tr("字段", "fields")}, change_rows);
}

// ---- child history, visit list ----

void add_child_history(CLI::App& child, Context& context) {
  auto* history = child.add_subcommand("history", tr("档案的全部事件与修改（谁、何时）", "every event and change of a file (who, when)"));
  auto ref = std::make_shared<std::string>();
  history->add_option("child", *ref, child_or_name_help())->required();
  history->callback([&context, ref] {
    Station& station = context.open();
    const std::string id = pick_child_or_fail(context, station, *ref);
    auto entries = context.take(child_history(station, id));
    if (context.json) context.print_json(history_json(entries));
    else print_history(entries);
  });
}

void add_visit_list(CLI::App& visit, Context& context) {
  auto* list = visit.add_subcommand("list", tr("一名儿童的全部走访与联系（最新在前）", "every visit and contact of a child, newest first"));
  auto ref = std::make_shared<std::string>();
  list->add_option("child", *ref, child_or_name_help())->required();
  list->callback([&context, ref] {
    Station& station = context.open();
    const std::string id = pick_child_or_fail(context, station, *ref);
    ChildFile file = context.take(open_child_file(station, id, false));
    if (context.json) {
      context.print_json(json(file.visits));
      return;
    }
    print_visits(file.visits);
    std::cout << trf("共 {} 次\n", "{} in all\n", file.visits.size());
  });
}

// ---- referral add|update|list ----

void add_referral_commands(CLI::App& app, Context& context) {
  auto* referral = app.add_subcommand("referral", tr("强制报告与转介", "mandatory reports and referrals"));
  referral->require_subcommand(1);

  auto* add = referral->add_subcommand("add", tr("登记强制报告或转介（强制报告使儿童立即为红色）",
                                                 "record a mandatory report or referral (a mandatory report makes the child red at once)"));
  auto child = std::make_shared<std::string>();
  auto input = std::make_shared<NewReferral>();
  auto date = std::make_shared<std::string>();
  add->add_option("child", *child, child_help())->required();
  choice_option(add->add_option("--to", input->to, tr("报告或转介给谁", "reported or referred to"))->required(),
                Vocabulary::ReferralTo);
  choice_option(add->add_option("--kind", input->kind, tr("强制报告或转介", "mandatory report or referral"))->required(),
                Vocabulary::ReferralKind);
  add->add_option("--date", *date, tr("日期（默认今天）", "date (default today)"));
  add->add_option("--summary", input->summary, tr("报告或转介的内容", "what was reported or referred"))->required();
  add->callback([&context, child, input, date] {
    Station& station = context.open();
    input->on = date_option(*date, "date");
    const std::string id = context.take(add_referral(station, *child, *input));
    if (context.json) {
      context.print_json({{"id", id}});
      return;
    }
    std::cout << trf("已登记 {}（编号 {}）\n", "recorded {} ({})\n", word(Vocabulary::ReferralKind, std::string(*parse_choice(
                                                                       Vocabulary::ReferralKind, input->kind))),
                     id);
    if (parse_choice(Vocabulary::ReferralKind, input->kind) == "mandatory_report")
      std::cout << tr("强制报告是红色触发项 R1：该儿童已为红色\n", "a mandatory report is red trigger R1: the child is red now\n");
  });

  auto* update = referral->add_subcommand("update", tr("更新报告或转介的进展", "move a report or referral on"));
  auto id = std::make_shared<std::string>();
  auto status = std::make_shared<std::string>();
  auto outcome = std::make_shared<std::string>();
  update->add_option("id", *id, tr("报告/转介编号（或其唯一前缀、后 8 位）", "its id (or a unique prefix, or the last 8)"))
      ->required();
  auto* status_option =
      choice_option(update->add_option("--status", *status, tr("新状态", "new status")), Vocabulary::ReferralStatus);
  auto* outcome_option = update->add_option("--outcome", *outcome, tr("结果", "outcome"));
  update->callback([&context, id, status, outcome, status_option, outcome_option] {
    Station& station = context.open();
    context.check(update_referral(station, *id, status_option->count() ? std::optional(*status) : std::nullopt,
                                  outcome_option->count() ? std::optional(*outcome) : std::nullopt));
    if (context.json) context.print_json({{"updated", *id}});
    else std::cout << tr("已更新\n", "updated\n");
  });

  auto* list = referral->add_subcommand("list", tr("未办结的报告与转介（或一名儿童的全部）",
                                                   "open reports and referrals (or all of one child's)"));
  auto list_child = std::make_shared<std::string>();
  list->add_option("child", *list_child, child_or_name_help());
  list->callback([&context, list_child] {
    Station& station = context.open();
    std::vector<Referral> rows;
    if (list_child->empty()) {
      rows = open_referrals(station);
    } else {
      const std::string child_id = pick_child_or_fail(context, station, *list_child);
      context.check(check_child_access(station, child_id, false));
      rows = child_referrals(station.db(), child_id);
    }
    if (context.json) {
      json out = json::array();
      for (const auto& r : rows) out.push_back(referral_json(r));
      context.print_json(out);
      return;
    }
    print_referrals(rows, list_child->empty());
  });
}

// ---- review ----

struct ReviewLine {
  std::string kind, child, name, detail, since, command;
};

json review_line_json(const ReviewLine& l) {
  return {{"kind", l.kind}, {"child", l.child}, {"name", l.name}, {"detail", l.detail}, {"since", l.since},
          {"command", l.command}};
}

std::string ref_of(const std::string& id) { return short_record_id(id); }

// Every item of the queue as one line each, with the command that acts on it.
std::vector<ReviewLine> review_lines(Station& station, const ReviewQueue& queue) {
  std::vector<ReviewLine> lines;
  const bool county = station.actor().role == Role::County;
  for (const auto& r : queue.colour_reviews) {
    const bool red = r.from == Colour::Red || r.colour == Colour::Red;
    lines.push_back({red ? "red_lowering" : "lowering", r.child_id, r.name,
                     trf("{} → {}：{}（{} 提出）", "{} → {}: {} (proposed by {})", colour_text(r.from),
                         colour_text(std::optional<Colour>(r.proposed)), label(r.why), r.opened_by),
                     r.opened_on,
                     red && !county ? tr("红色降级由县级办理（县级：tongdang colour lower …）",
                                         "lowering red is the county's (county: tongdang colour lower …)")
                                    : "tongdang colour lower " + ref_of(r.child_id) + " --to " +
                                          std::string(to_string(r.proposed)) + " --reason …" + tr("；或维持：", "; or keep: ") +
                                          "tongdang colour resolve " + ref_of(r.child_id) + " --reason …"});
  }
  for (const auto& s : queue.screenings) {
    const std::string step = s.value("step", "");
    const std::string state = s.value("state", "");
    const std::string lead = ref_of(s.value("lead_id", ""));
    std::string command;
    std::string kind = "screening_" + step;
    if (state == "returned") {
      kind = "screening_returned";
      command = std::string(tr("退回给儿童主任重新核查：", "returned to the director, who verifies again: ")) + "tongdang screen verify " + lead + " …";
    } else if (step == "review") {
      command = "tongdang screen review " + lead + " --approve" + tr("，或 ", ", or ") + "--return " + tr("原因", "REASON");
    } else if (step == "confirm") {
      command = county ? "tongdang screen confirm " + lead + " --category … --colour …"
                       : tr("等待县级认定", "waiting for the county's confirmation");
    }
    lines.push_back({kind, "", s.value("name", json()).is_string() ? s.value("name", "") : "",
                     trf("{}，期限 {}", "{}, due {}", label(step), s.value("due", "")), s.value("since", ""), command});
  }
  for (const auto& row : queue.escalations)
    for (const auto& item : row.items)
      lines.push_back({"escalation", row.child_id, row.name,
                       trf("{} 逾期 {} 天", "{} overdue by {} days", label(item.what), item.days_overdue), item.due,
                       "tongdang due --overdue"});
  for (const auto& r : queue.referrals)
    lines.push_back({"referral", r.child_id, r.name,
                     trf("{}→{}：{}", "{} to {}: {}", word(Vocabulary::ReferralKind, r.kind),
                         word(Vocabulary::ReferralTo, r.to), word(Vocabulary::ReferralStatus, r.status)),
                     r.made_on, "tongdang referral update " + ref_of(r.id) + " --status accepted|closed --outcome …"});
  for (const auto& a : queue.age_limits) {
    std::string categories;
    for (const auto& c : a.categories) categories += (categories.empty() ? "" : "、") + label(Vocabulary::Category, c);
    lines.push_back({a.file_closes ? "closing" : "age_limit", a.child_id, a.name,
                     a.file_closes ? trf("{} 满 {} 岁，{}到龄，档案于 {} 自动结案", "turns {1} on {0}: {2} end; the file "
                                         "closes itself on {3}", a.ends_on, a.age, categories, a.closes_on)
                                   : trf("{} 满 {} 岁：{}到龄", "turns {1} on {0}: {2} end", a.ends_on, a.age, categories),
                     a.ends_on,
                     a.file_closes ? std::string(tr("如仍需保护，登记新的类别：", "if protection is still needed, add a category: ")) +
                                         "tongdang child category add " + ref_of(a.child_id) + " --category …"
                                   : "tongdang child show " + ref_of(a.child_id)});
  }
  for (const auto& m : queue.moved_out)
    lines.push_back({"moved_out", m.child_id, m.name,
                     trf("{} 迁往 {}（{} 办理）", "{} moved to {} (by {})", m.on, m.destination, m.by), m.on,
                     trf("向迁入地移交档案：tongdang child show {0} --full-id；如儿童并未迁出：tongdang child reopen {0} "
                         "--reason …", "hand the file to the receiving county: tongdang child show {0} --full-id; if "
                         "the child did not leave: tongdang child reopen {0} --reason …", ref_of(m.child_id))});
  for (const auto& c : sync::list_conflicts(station, false))
    lines.push_back({"conflict", c.value("child_id", ""), "", label(c.value("field", "")), c.value("opened_at", ""),
                     "tongdang conflicts resolve " + c.value("id", "") + tr(" --keep 本站|他站|值", " --keep mine|theirs|VALUE")});
  for (const auto& d : sync::list_duplicates(station))
    lines.push_back({"duplicate", "", "", mask_id_number(d.value("id_number", "")), "",
                     tr("县级核对后合并（tongdang conflicts 查看）", "the county checks and merges (see tongdang conflicts)")});
  return lines;
}

void add_review(CLI::App& app, Context& context) {
  auto* review = app.add_subcommand(
      "review", tr("审核队列：等待督导员或县级决定的一切，每项附处理命令",
                   "the review queue: everything waiting for a supervisor's or the county's decision, each with the command to act"));
  auto as_of = std::make_shared<std::string>();
  review->add_option("--as-of", *as_of, tr("截至该日期（默认今天）", "as of this date (default today)"));
  review->callback([&context, as_of] {
    Station& station = context.open();
    const Date day = date_option(*as_of, "as-of").value_or(station.clock().today());
    ReviewQueue queue = context.take(review_queue(station, day));
    auto lines = review_lines(station, queue);
    if (context.json) {
      json out = json::array();
      for (const auto& l : lines) out.push_back(review_line_json(l));
      context.print_json({{"as_of", day.to_string()}, {"items", out}});
      return;
    }
    if (lines.empty()) {
      std::cout << tr("没有等待处理的事项\n", "nothing waits for a decision\n");
      return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : lines)
      rows.push_back({label("review_kind." + l.kind), l.name, l.child.empty() ? "" : ref_of(l.child), l.detail, l.since});
    print_table(std::cout, {tr("事项", "item"), label("name"), label("child"), tr("说明", "detail"), tr("日期", "date")},
                rows);
    std::cout << "\n" << tr("处理命令：", "to act:") << "\n";
    for (std::size_t i = 0; i < lines.size(); ++i)
      if (!lines[i].command.empty()) std::cout << "  " << (i + 1) << ". " << lines[i].command << "\n";
  });
}

}  // namespace

std::string pick_child_or_fail(Context& context, Station& station, const std::string& typed) {
  ChildPick pick = context.take(pick_child(station, typed));
  if (pick.id) return *pick.id;
  if (context.json) {
    json rows = json::array();
    for (const auto& r : pick.matches)
      rows.push_back({{"id", r.id}, {"name", r.name}, {"village", r.village}, {"birth_date", r.birth_date},
                      {"id_number", r.id_number}, {"status", r.status}});
    context.print_json({{"matches", rows}, {"total", pick.total}});
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : pick.matches)
      rows.push_back({r.id, r.name, r.village, r.birth_date, r.id_number, label(r.status)});
    print_table(std::cout, {label("id"), label("name"), label("village"), label("birth_date"), label("id_number"),
                            label("status")},
                rows);
  }
  context.check(Status::invalid("child", i18n::trf("“{}”对应 {} 名儿童；请用档案编号或身份证号指明一名",
                                                   "\"{}\" matches {} children; name one by its file id or ID number",
                                                   typed, pick.total)));
  return {};
}

void show_child_file(Context& context, const std::string& ref, bool full_id,
                     const std::function<void(const json&)>& print_card) {
  Station& station = context.open();
  const std::string id = pick_child_or_fail(context, station, ref);
  ChildFile file = context.take(open_child_file(station, id, full_id));
  const std::vector<Referral>& referrals = file.referrals;
  const std::vector<json> conflicts = conflicts_of(station, id);
  if (context.json) {
    // The profile at the top level, as before; the rest of the file under "file".
    json view = file.child;
    json referral_rows = json::array();
    for (const auto& r : referrals) referral_rows.push_back(referral_json(r));
    view["file"] = {{"colour", file.colour},     {"state", file.state},     {"screening", file.screening},
                    {"visits", file.visits},     {"care", file.care},       {"reviews", file.reviews},
                    {"referrals", referral_rows}, {"conflicts", conflicts}, {"history", file.history}};
    context.print_json(view);
    return;
  }
  print_card(file.child);
  print_file_sections(file, referrals, conflicts);
}

void register_file_commands(CLI::App& app, Context& context) {
  // After register_child_commands and register_workflow_commands, which make `child` and `visit`.
  add_child_history(*app.get_subcommand("child"), context);
  add_visit_list(*app.get_subcommand("visit"), context);
  add_referral_commands(app, context);
  add_review(app, context);
}

}  // namespace tongdang::cli

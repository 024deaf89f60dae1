// `/import` — 台账导入: upload a ledger (multipart, field `ledger`), check it first (core/ledger's import_ledger with
// dry_run, the same as `tongdang import --dry-run`), see each problem by row and column, fix the file, upload again,
// then import (all or nothing, one transaction). A ledger that passed its check is kept in memory for a while, so
// 导入 does not need the file chosen again; importing re-checks every row anyway.
#include <chrono>
#include <deque>

#include "core/base/i18n.h"
#include "core/ledger/ledger.h"
#include "core/model/labels.h"
#include "core/store/sign_in.h"
#include "web/station/app_impl.h"
#include "web/station/page.h"

namespace tongdang::web::station {

using i18n::edge::tr;
using i18n::edge::trf;

// Ledgers that passed a dry run, waiting for 导入: by a random key, for the user who checked it, for a while. Few and
// short-lived: each may be tens of megabytes.
struct HeldLedgers {
  struct Held {
    std::string key, user, filename, bytes;
    std::chrono::steady_clock::time_point at;
  };
  std::deque<Held> held;
};

namespace {

constexpr std::size_t kHeldLedgersMax = 4;
constexpr std::chrono::minutes kHeldFor{30};

HeldLedgers& held_ledgers(Page& page) {
  if (!page.app.held_ledgers) page.app.held_ledgers = std::make_shared<HeldLedgers>();
  HeldLedgers& all = *page.app.held_ledgers;
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(all.held, [now](const HeldLedgers::Held& h) { return now - h.at > kHeldFor; });
  return all;
}

std::string hold(Page& page, const std::string& filename, const std::string& bytes) {
  HeldLedgers& all = held_ledgers(page);
  while (all.held.size() >= kHeldLedgersMax) all.held.pop_front();
  std::string key = sign_in::new_secret();
  all.held.push_back({key, page.station.actor().name, filename, bytes, std::chrono::steady_clock::now()});
  return key;
}

// The held ledger of `key`, only for the user who checked it; taken out (imported once).
std::optional<HeldLedgers::Held> take_held(Page& page, const std::string& key) {
  HeldLedgers& all = held_ledgers(page);
  for (auto it = all.held.begin(); it != all.held.end(); ++it) {
    if (it->key != key || it->user != page.station.actor().name) continue;
    HeldLedgers::Held found = std::move(*it);
    all.held.erase(it);
    return found;
  }
  return std::nullopt;
}

// The column as the file names it, or (for a column the file lacks) its usual name.
std::string column_text(const LedgerProblem& p) {
  if (!p.column.empty()) return p.column;
  const LedgerColumn* column = find_ledger_column(p.field);
  if (!column) return p.field;
  return i18n::language() == i18n::Lang::Zh ? trf("{}（缺少此列）", "{}", column->chinese.front())
                                            : trf("{}", "{} (column missing)", column->name);
}

Markup upload_form(Page& page, const FormErrors& errors) {
  Html h;
  h(R"(<form class="card" method="post" action="/import" enctype="multipart/form-data">{})", csrf_field(page.csrf));
  h(R"(<div class="field{}"><label for="f-ledger">{}</label><input id="f-ledger" name="ledger" type="file" )"
    R"(accept=".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required>)",
    errors.of("ledger") ? " has-error" : "", tr("台账文件（.xlsx 或 CSV）", "Ledger file (.xlsx or CSV)"));
  h(R"(<p class="hint">{}</p>)",
    tr("Excel 工作簿（.xlsx，读第一个工作表），或 Excel、WPS 另存的 CSV（UTF-8 或 GBK，自动识别）；表头上方的标题行、序号和备注列会跳过。村(居)可写代码或"
       "村名（大吴村）。列名可用中文或英文，见使用手册。先检查，全部无误后再导入。",
       "An Excel workbook (.xlsx, its first sheet) or a CSV saved by Excel or WPS (UTF-8 or GBK, detected); a title above the header and the 序号 and 备注 columns are "
       "skipped. Villages by code or by name (大吴村). Column names in Chinese or English (user guide). Check first; "
       "import when every row passes."));
  if (const std::string* message = errors.of("ledger"))
    h(R"(<p class="field-error" role="alert">{}</p>)", *message);
  h(R"(</div><div class="actions"><button type="submit" name="step" value="check" id="check">{}</button>)"
    R"(<button type="submit" name="step" value="import" class="secondary" id="import-now">{}</button></div></form>)",
    tr("检查（不写入）", "Check (writes nothing)"), tr("直接导入", "Import at once"));
  return std::move(h).markup();
}

Markup problems_table(const LedgerReport& report) {
  Html h;
  h(R"(<table class="problems" id="problems"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
    tr("行", "Row"), tr("列", "Column"), tr("原因", "Reason"));
  for (const LedgerProblem& p : report.problems)
    h(R"(<tr><td class="line">{}</td><td class="column">{}</td><td>{}</td></tr>)", p.line, column_text(p), p.reason);
  h("</tbody></table>");
  return std::move(h).markup();
}

// How the file was read (encoding, header line, rows skipped above it, columns ignored): first, so a wrong guess
// is seen before the rows.
Markup reading_notes(const LedgerReport& report) {
  Html h;
  h(R"(<ul class="reading-notes" id="reading-notes">)");
  for (const std::string& note : report.reading_notes()) h("<li>{}</li>", note);
  h("</ul>");
  return std::move(h).markup();
}

Markup warnings_list(const LedgerReport& report) {
  Html h;
  if (report.warnings.empty()) return {};
  h(R"(<div class="alert warn"><strong>{}</strong><ul>)", tr("提示（不影响导入）：", "Worth a look (imported anyway):"));
  for (const LedgerWarning& w : report.warnings)
    h("<li>{}</li>", trf("第 {} 行 {}：{}", "row {} {}: {}", w.line, w.column, w.message));
  h("</ul></div>");
  return std::move(h).markup();
}

Response import_page(Page& page, Markup body, int status) {
  return render(page, tr("台账导入", "Import a ledger"), body, Nav::Import, status);
}

Response show_import(Page& page, const std::vector<std::string>&) {
  Html h;
  h(R"(<h1>{}</h1>)", tr("台账导入", "Import a ledger"));
  if (page.request.param("saved") == "1")
    h(R"(<p id="imported">{}</p>)", trf("已导入 {} 名儿童、{} 名家庭成员。", "Imported {} children and {} relatives.",
                                        page.request.param("children"), page.request.param("relatives")));
  h("{}", upload_form(page, {}));
  return import_page(page, std::move(h).markup(), 200);
}

// The answer to a check or an import of `bytes`.
Response checked(Page& page, const std::string& filename, const std::string& bytes, bool dry_run) {
  ImportOptions options;
  options.dry_run = dry_run;
  options.source = filename.empty() ? "ledger" : filename;
  auto result = import_ledger(page.station, bytes, options);
  Html h;
  h(R"(<h1>{}</h1>)", tr("台账导入", "Import a ledger"));
  if (!result) {
    if (result.status().code() != Code::InvalidInput) return status_page(page, result.status());
    // A problem with the whole file (not UTF-8, a missing or unknown column …): said beside the file field.
    FormErrors errors;
    errors.add(Status::invalid("ledger", result.status().to_string()), {"ledger"});
    h("{}{}", form_errors(errors), upload_form(page, errors));
    return import_page(page, std::move(h).markup(), 400);
  }
  const LedgerReport& report = result.value();
  if (!report.problems.empty()) {
    h(R"(<div class="alert error" role="alert">{}</div>)",
      trf("台账 {}：{} 行中有 {} 处问题，未导入任何数据。请在文件中改正下列各处后重新上传：",
          "ledger {}: {} rows, {} problems; nothing was imported. Correct these in the file and upload it again:",
          filename, report.rows, report.problems.size()));
    h("{}{}{}", reading_notes(report), problems_table(report), upload_form(page, {}));
    return import_page(page, std::move(h).markup(), 400);
  }
  if (!dry_run)
    return Response::redirect(url("/import?saved=1&children={}&relatives={}", report.children, report.relatives));
  h(R"(<div class="alert ok" role="status" id="check-passed">{}</div>{}{})",
    trf("台账 {}：{} 行全部通过检查，可导入 {} 名儿童、{} 名家庭成员（尚未写入）。",
        "ledger {}: all {} rows pass; {} children and {} relatives would be imported (nothing written yet).", filename,
        report.rows, report.children, report.relatives),
    reading_notes(report), warnings_list(report));
  h(R"(<form class="card" method="post" action="/import">{}<input type="hidden" name="held" value="{}">)"
    R"(<input type="hidden" name="step" value="import"><div class="actions"><button type="submit" id="save">{}</button>)"
    R"(<a href="/import">{}</a></div></form>)",
    csrf_field(page.csrf), hold(page, filename, bytes), trf("导入 {} 名儿童", "Import {} children", report.children),
    tr("换一个文件", "Choose another file"));
  return import_page(page, std::move(h).markup(), 200);
}

Response post_import(Page& page, const std::vector<std::string>&) {
  const bool dry_run = page.request.param("step") != "import";
  if (const std::string key = page.request.param("held"); !key.empty()) {
    auto held = take_held(page, key);
    if (!held) {
      FormErrors errors;
      errors.add(Status::invalid("ledger", i18n::tr("检查过的台账已过期，请重新选择文件", "the checked ledger has "
                                                    "expired; choose the file again")), {"ledger"});
      Html h;
      h(R"(<h1>{}</h1>{}{})", tr("台账导入", "Import a ledger"), form_errors(errors), upload_form(page, errors));
      return import_page(page, std::move(h).markup(), 400);
    }
    return checked(page, held->filename, held->bytes, dry_run);
  }
  for (const Upload& file : page.request.files)
    if (file.field == "ledger") return checked(page, file.filename, file.content, dry_run);
  FormErrors errors;
  errors.add(Status::invalid("ledger", i18n::tr("请选择台账文件", "choose the ledger file")), {"ledger"});
  Html h;
  h(R"(<h1>{}</h1>{}{})", tr("台账导入", "Import a ledger"), form_errors(errors), upload_form(page, errors));
  return import_page(page, std::move(h).markup(), 400);
}

}  // namespace

void add_import_routes(Routes& routes) {
  routes.get("/import", show_import);
  routes.post("/import", post_import);
}

}  // namespace tongdang::web::station

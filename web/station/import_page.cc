// `/import` — 台账导入: upload a ledger (multipart, field `ledger`), check it first (core/ledger's import_ledger with
// dry_run, the same as `tongdang import --dry-run`), see each problem by row and column, fix the file, upload again,
// then import (all or nothing, one transaction). A ledger that passed its check is kept in memory for a while, so
// 导入 does not need the file chosen again; importing re-checks every row anyway. The two options of `tongdang
// import`: 再次导入 (update: rows matched to files by ID number, changed cells become edits) and 部分导入 (partial:
// the good rows imported, the bad ones offered as a corrections file to download, held like a checked ledger).
#include <chrono>
#include <deque>

#include <fmt/format.h>

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
    bool update = false, partial = false;  // the options it was checked with
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

// The import options a form asked for (the two checkboxes, or the hidden fields of a checked ledger's form).
struct AskedOptions {
  bool update = false, partial = false;
};

AskedOptions asked_options(Page& page) {
  return {page.request.param("update") == "1", page.request.param("partial") == "1"};
}

// Holds a checked ledger (or a partial import's corrections file, for download) for the user, for a while.
std::string hold(Page& page, const std::string& filename, const std::string& bytes, AskedOptions asked = {}) {
  HeldLedgers& all = held_ledgers(page);
  while (all.held.size() >= kHeldLedgersMax) all.held.pop_front();
  std::string key = sign_in::new_secret();
  all.held.push_back({key, page.station.actor().name, filename, bytes, std::chrono::steady_clock::now(),
                      asked.update, asked.partial});
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
  h(R"(</div><fieldset class="field"><legend>{}</legend>)", tr("导入方式", "How to import"));
  h(R"(<label><input type="checkbox" name="update" value="1" id="f-update"> {}</label>)",
    tr("再次导入：按身份证号（或导出的“编号”）对应已有档案，改动的单元格作为修改写入，未改动的行跳过",
       "Import again: rows matched to files by ID number (or an export's 编号); changed cells become edits, unchanged "
       "rows are skipped"));
  h(R"(<label><input type="checkbox" name="partial" value="1" id="f-partial"> {}</label></fieldset>)",
    tr("部分导入：导入通过检查的行，有问题的行放进改正文件供下载",
       "Partial: import the rows that pass; the others go into a corrections file to download"));
  h(R"(<div class="actions"><button type="submit" name="step" value="check" id="check">{}</button>)"
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
  if (const std::string updated = page.request.param("updated"); !updated.empty())
    h(R"(<p id="updated">{}</p>)", trf("已有档案：{} 份已更新，{} 份未改动。", "Files held already: {} updated, {} unchanged.",
                                       updated, page.request.param("unchanged")));
  if (const std::string left_out = page.request.param("left_out"); !left_out.empty() && left_out != "0")
    h(R"(<p id="left-out">{} <a href="{}" id="corrections">{}</a></p>)",
      trf("{} 行有问题，未导入。", "{} rows had problems and were not imported.", left_out),
      url("/import/corrections?key={}", page.request.param("corrections")), tr("下载改正文件", "Download the corrections file"));
  h("{}", upload_form(page, {}));
  return import_page(page, std::move(h).markup(), 200);
}

// The summary of an update's matched files, when the ledger was imported as an update.
Markup update_counts(const LedgerReport& report, bool update) {
  Html h;
  if (!update) return {};
  h(R"(<p id="update-counts">{}</p>)",
    trf("再次导入：{} 份已有档案有改动，{} 份未改动，{} 名新儿童。", "Import again: {} files held change, {} unchanged, {} new children.",
        report.updated, report.unchanged, report.children));
  return std::move(h).markup();
}

// The answer to a check or an import of `bytes`.
Response checked(Page& page, const std::string& filename, const std::string& bytes, bool dry_run, AskedOptions asked) {
  ImportOptions options;
  options.dry_run = dry_run;
  options.update = asked.update;
  options.partial = asked.partial;
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
  // Partial: the good rows are (or would be) imported even when others have problems, unless none passes.
  const bool some_pass = report.children > 0 || report.updated > 0 || report.unchanged > 0;
  if (!report.problems.empty() && (!asked.partial || !some_pass)) {
    h(R"(<div class="alert error" role="alert">{}</div>)",
      trf("台账 {}：{} 行中有 {} 处问题，未导入任何数据。请在文件中改正下列各处后重新上传：",
          "ledger {}: {} rows, {} problems; nothing was imported. Correct these in the file and upload it again:",
          filename, report.rows, report.problems.size()));
    h("{}{}{}", reading_notes(report), problems_table(report), upload_form(page, {}));
    return import_page(page, std::move(h).markup(), 400);
  }
  if (!dry_run) {
    std::string saved = url("/import?saved=1&children={}&relatives={}", report.children, report.relatives);
    if (asked.update) saved += url("&updated={}&unchanged={}", report.updated, report.unchanged);
    if (asked.partial && report.rows_left_out > 0)
      saved += url("&left_out={}&corrections={}", report.rows_left_out,
                   hold(page, filename, report.corrections));
    return Response::redirect(saved);
  }
  if (report.problems.empty())
    h(R"(<div class="alert ok" role="status" id="check-passed">{}</div>)",
      trf("台账 {}：{} 行全部通过检查，可导入 {} 名儿童、{} 名家庭成员（尚未写入）。",
          "ledger {}: all {} rows pass; {} children and {} relatives would be imported (nothing written yet).", filename,
          report.rows, report.children, report.relatives));
  else
    h(R"(<div class="alert warn" role="status" id="check-partial">{}</div>)",
      trf("台账 {}：{} 行中 {} 行有问题，部分导入时不导入这些行（导入后可下载改正文件）；可导入 {} 名儿童、{} 名家庭成员"
          "（尚未写入）。",
          "ledger {}: {} rows, {} with problems, which a partial import leaves out (a corrections file to download "
          "afterwards); {} children and {} relatives would be imported (nothing written yet).",
          filename, report.rows, report.rows_left_out, report.children, report.relatives));
  h("{}{}{}", update_counts(report, asked.update), reading_notes(report), warnings_list(report));
  if (!report.problems.empty()) h("{}", problems_table(report));
  h(R"(<form class="card" method="post" action="/import">{}<input type="hidden" name="held" value="{}">)"
    R"(<input type="hidden" name="step" value="import"><div class="actions"><button type="submit" id="save">{}</button>)"
    R"(<a href="/import">{}</a></div></form>)",
    csrf_field(page.csrf), hold(page, filename, bytes, asked),
    asked.update ? trf("导入（{} 名新儿童，{} 份档案有改动）", "Import ({} new children, {} files changed)", report.children,
                       report.updated)
                 : trf("导入 {} 名儿童", "Import {} children", report.children),
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
    return checked(page, held->filename, held->bytes, dry_run, {held->update, held->partial});
  }
  for (const Upload& file : page.request.files)
    if (file.field == "ledger") return checked(page, file.filename, file.content, dry_run, asked_options(page));
  FormErrors errors;
  errors.add(Status::invalid("ledger", i18n::tr("请选择台账文件", "choose the ledger file")), {"ledger"});
  Html h;
  h(R"(<h1>{}</h1>{}{})", tr("台账导入", "Import a ledger"), form_errors(errors), upload_form(page, errors));
  return import_page(page, std::move(h).markup(), 400);
}

// A partial import's corrections file (the rows left out, with a 问题 column), for the user who imported it: a CSV
// for Excel, held for a while like a checked ledger and downloadable once.
Response download_corrections(Page& page, const std::vector<std::string>&) {
  auto held = take_held(page, page.request.param("key"));
  if (!held) return status_page(page, Status::not_found(i18n::tr("改正文件已过期或已下载；请重新部分导入原台账以再次生成",
                                                                  "the corrections file has expired or was downloaded; "
                                                                  "a partial import of the ledger makes it again")));
  Response response = Response::plain(200, std::move(held->bytes));
  response.content_type = "text/csv; charset=utf-8";
  // An ASCII name for every browser, and the Chinese one (RFC 6266 filename*) for those that read it.
  std::string base = held->filename;
  if (const auto dot = base.rfind('.'); dot != std::string::npos) base.resize(dot);
  const std::string name = base + "-待改正.csv";
  response.header("Content-Disposition",
                  fmt::format(R"(attachment; filename="corrections.csv"; filename*=UTF-8''{})", percent_encode(name)));
  return response;
}

}  // namespace

void add_import_routes(Routes& routes) {
  routes.get("/import/corrections", download_corrections);
  routes.get("/import", show_import);
  routes.post("/import", post_import);
}

}  // namespace tongdang::web::station

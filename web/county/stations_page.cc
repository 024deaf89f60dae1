// Stations (`/stations`): every laptop by the name it gave at its last hello and its township, its last successful
// sync, what it had waiting to send then, its township's open conflicts, its refused changes and whether its clock
// was found running ahead (its stamps re-stamped); the tokens, issued
// here (the token shown once, on the answer to the POST) and revoked here. Tokens are checked by the rule the CLI
// uses (sync/server/token_issue.h); every POST carries the session's CSRF token (console.cc checks it first).
#include "core/base/text_list.h"
#include "core/model/division.h"
#include "core/model/labels.h"
#include "core/store/record_ref.h"
#include "sync/server/token_issue.h"
#include "web/base/form.h"
#include "web/county/page.h"

namespace tongdang::web::county {

using i18n::edge::tr;
using i18n::edge::trf;

namespace {

Markup stations_table(const ConsolePage& page) {
  Html h;
  h(R"(<table class="stations"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>)"
    R"(<th>{}</th><th>{}</th></tr></thead><tbody>)",
    tr("乡镇", "township"), tr("站点", "station"), tr("最后成功同步", "last successful sync"),
    tr("上次报到时待发送", "waiting at its last hello"), tr("待处理冲突", "open conflicts"),
    tr("被拒绝的变更", "refused changes"), tr("时钟", "clock"), tr("令牌", "token"));
  for (const sync::StationReport& s : page.store.station_reports()) {
    const StationHealth& health = s.health;
    h("<tr><td>{}（{}）</td>", division_label(health.township), health.township);
    h(R"(<td>{} <span class="muted">{}</span></td>)", s.reported_name.empty() ? health.name : s.reported_name,
      short_record_id(health.station_id));
    h("<td>{}</td>", health.last_sync ? cst_time(*health.last_sync) : std::string(tr("从未同步", "never")));
    if (s.waiting_changes < 0) h("<td>—</td>");
    else if (s.waiting_changes == 0) h("<td>{}</td>", tr("无", "nothing"));
    else
      h("<td>{}</td>", trf("{} 条，最早 {}（{} 报到）", "{} changes, the oldest {} (hello {})", s.waiting_changes,
                           s.oldest_unsent.empty() ? std::string("—") : cst_time(s.oldest_unsent), cst_time(s.hello_at)));
    h("<td>{}</td><td>{}</td>", health.open_conflicts, health.rejected_changes);
    // A clock found too far ahead: its changes were re-stamped by the server; the laptop's date needs putting right.
    if (s.clock_flagged_at.empty()) h("<td>{}</td>", tr("正常", "fine"));
    else
      h(R"(<td class="clock-flag"><strong class="overdue">{}</strong></td>)",
        trf("超前 {} 分钟（{} 发现），请校准电脑时间", "{} min ahead (found {}): set the laptop's clock right",
            (s.clock_ahead_ms + 59'999) / 60'000, cst_time(s.clock_flagged_at)));
    h("<td>{}</td></tr>", s.token_id);
  }
  h("</tbody></table>");
  return std::move(h).markup();
}

Markup tokens_table(const ConsolePage& page) {
  Html h;
  h(R"(<table class="tokens"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>)"
    R"(<th></th></tr></thead><tbody>)",
    tr("编号", "id"), tr("名称", "name"), tr("角色", "role"), tr("乡镇", "township"), tr("发放时间", "issued"),
    tr("最近使用", "last used"), tr("状态", "status"));
  for (const sync::TokenInfo& t : page.store.tokens()) {
    const sync::Principal& p = t.principal;
    h("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>", p.token_id,
      p.kind == sync::TokenKind::Station ? trf("{}站点令牌", "station token of {}", division_label(p.township)) : p.name,
      i18n::label(to_string(p.role)), p.township.empty() ? std::string(tr("全县", "whole county")) : division_label(p.township),
      cst_time(t.created_at), t.last_used_at.empty() ? std::string("—") : cst_time(t.last_used_at));
    if (!t.revoked_at.empty()) {
      h("<td>{}</td><td></td></tr>", trf("已吊销（{}）", "revoked ({})", cst_time(t.revoked_at)));
      continue;
    }
    h(R"(<td>{}</td><td><form method="post" action="{}">{}<button type="submit" class="secondary">{}</button></form></td></tr>)",
      tr("有效", "valid"), url("/stations/tokens/{}/revoke", p.token_id), csrf_field(page.csrf), tr("吊销", "Revoke"));
  }
  h("</tbody></table>");
  return std::move(h).markup();
}

Markup issue_form(const ConsolePage& page, const FormErrors& errors) {
  std::vector<Option> townships;
  for (const Township& t : Divisions::bundled().townships_of(page.store.identity().county))
    townships.push_back({t.code, t.name + "（" + t.code + "）"});
  const std::vector<Option> roles = {{"station", tr("乡镇站点令牌", "a township station's token")},
                                     {"director", i18n::label("director")},
                                     {"supervisor", i18n::label("supervisor")},
                                     {"county", i18n::label("county")}};
  Html h;
  h(R"(<form class="card" method="post" action="/stations/tokens"><h2>{}</h2>{})", tr("发放令牌", "Issue a token"),
    form_errors(errors));
  h("{}", csrf_field(page.csrf));
  h("{}", select_field("kind", tr("令牌", "token"), roles, page.request.param("kind"), errors, {}, true));
  h("{}", select_field("township", tr("乡镇", "township"), townships, page.request.param("township"), errors,
                       tr("（县级用户不选）", "(none for a county user)")));
  h("{}", input_field("name", tr("用户姓名（个人令牌）", "the user's name (a personal token)"), page.request.param("name"),
                      errors));
  h("{}", input_field("villages", tr("儿童主任负责的村(居)，逗号分隔的 12 位代码", "a director's villages, comma-separated "
                                     "12-digit codes"), page.request.param("villages"), errors));
  h(R"(<div class="actions"><button type="submit">{}</button></div></form>)", tr("发放", "Issue"));
  return std::move(h).markup();
}

Response stations_view(const ConsolePage& page, const Markup& notice, const FormErrors& errors, int status) {
  Html h;
  h("<h1>{}</h1>{}", tr("站点与令牌", "Stations and tokens"), notice);
  h("{}", stations_table(page));
  h("<h2>{}</h2>{}", tr("令牌", "Tokens"), tokens_table(page));
  h("{}", issue_form(page, errors));
  return render(page, tr("站点与令牌", "Stations and tokens"), std::move(h).markup(), Nav::Stations, status);
}

}  // namespace

Response stations_page(const ConsolePage& page) {
  Markup notice;
  if (page.request.param("revoked") == "1") {
    Html h;
    h(R"(<div class="alert ok" role="status">{}</div>)", tr("已吊销令牌", "The token is revoked"));
    notice = std::move(h).markup();
  }
  return stations_view(page, notice, {}, 200);
}

Response issue_token_page(const ConsolePage& page) {
  const std::string kind = page.request.param("kind");
  sync::NewToken spec;
  if (kind == "station") {
    spec = {sync::TokenKind::Station, "station " + page.request.param("township"), access::kStationTokenRole,
            page.request.param("township"), {}};
  } else {
    auto role = parse_role(kind);
    FormErrors errors;
    if (!role) {
      errors.add(Status::invalid("kind", tr("请选择令牌的种类", "choose what the token is for")), {"kind"});
      return stations_view(page, {}, errors, 400);
    }
    spec = {sync::TokenKind::User, page.request.param("name"), *role, page.request.param("township"),
            split_list(page.request.param("villages"))};
  }
  auto issued = sync::tokens::issue(page.store, spec, page.wall.now_iso());
  if (!issued) {
    FormErrors errors;
    errors.add(issued.status(), {"kind", "township", "name", "villages", "role"});
    return stations_view(page, {}, errors, 400);
  }
  page.store.audit_console({page.wall.now_iso(), page.user.name, "token.add", "token",
                            std::to_string(issued.value().id), spec.township,
                            {{"kind", kind}, {"name", spec.name}}});
  // Shown once, here: only its hash is kept. Not a redirect, so a reload does not show it again from a URL.
  Html h;
  h(R"(<div class="alert ok" role="status"><p>{}</p><p><code class="token">{}</code></p></div>)",
    trf("令牌编号 {}：只显示这一次，请妥善转交", "token {}: shown only now; hand it over safely", issued.value().id),
    issued.value().token);
  return stations_view(page, std::move(h).markup(), {}, 200);
}

Response revoke_token_page(const ConsolePage& page, const std::string& id_text) {
  if (id_text.empty() || id_text.size() > 18 || id_text.find_first_not_of("0123456789") != std::string::npos)
    return not_found_page(page, trf("没有令牌 {}", "no token {}", id_text));
  const std::int64_t id = std::stoll(id_text);
  if (Status revoked = page.store.revoke_token(id, page.wall.now_iso()); !revoked)
    return not_found_page(page, page.text(revoked.reason()));
  page.store.audit_console({page.wall.now_iso(), page.user.name, "token.revoke", "token", id_text, "", {}});
  return Response::redirect("/stations?revoked=1");
}

}  // namespace tongdang::web::county

#include "web/base/assets.h"

namespace tongdang::web::assets {

const std::string_view kStyle = R"css(
:root { --red:#c62828; --yellow:#f9a825; --blue:#1565c0; --green:#2e7d32; --ink:#1f2328; --muted:#5f6b76;
  --line:#d8dee4; --bg:#f6f8fa; --accent:#0b5cad; }
* { box-sizing: border-box; }
body { margin:0; font-family: "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei",
  sans-serif; color:var(--ink); background:var(--bg); font-size:15px; line-height:1.55; }
a { color:var(--accent); }
header.top { background:#0b3d6e; color:#fff; display:flex; flex-wrap:wrap; align-items:center; gap:.5rem 1.5rem;
  padding:.5rem 1rem; }
header.top a { color:#fff; text-decoration:none; }
header.top .brand { font-weight:700; font-size:1.1rem; }
header.top nav a { padding:.25rem .5rem; border-radius:4px; }
header.top nav a.active, header.top nav a:hover { background:rgba(255,255,255,.18); }
header.top .who { margin-left:auto; display:flex; gap:.75rem; align-items:center; }
header.top .who form { display:inline; margin:0; }
header.top .who button { background:none; border:1px solid rgba(255,255,255,.6); color:#fff; border-radius:4px;
  padding:.1rem .5rem; cursor:pointer; }
main { max-width:1180px; margin:1rem auto; padding:0 1rem 3rem; }
h1 { font-size:1.4rem; margin:.5rem 0 1rem; }
h2 { font-size:1.15rem; margin:1.5rem 0 .5rem; border-bottom:1px solid var(--line); padding-bottom:.25rem; }
section.card, form.card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:1rem; margin:0 0 1rem; }
table { border-collapse:collapse; width:100%; background:#fff; }
th, td { border-bottom:1px solid var(--line); padding:.4rem .5rem; text-align:left; vertical-align:top; }
th { background:#eef2f6; font-weight:600; white-space:nowrap; }
tr.overdue td { background:#fff4f4; }
.colour { display:inline-block; min-width:3.2em; text-align:center; border-radius:3px; padding:0 .35rem; color:#fff;
  font-size:.9em; }
.colour.red { background:var(--red); } .colour.yellow { background:var(--yellow); color:#222; }
.colour.blue { background:var(--blue); } .colour.green { background:var(--green); }
.colour.none { background:#9aa4ae; }
.muted { color:var(--muted); }
.alert { border-radius:6px; padding:.6rem .8rem; margin:0 0 1rem; border:1px solid; }
.alert.error { background:#fdecea; border-color:#f5c2c0; color:#7f1d1d; }
.alert.ok { background:#e8f5e9; border-color:#b7dfb9; color:#1b5e20; }
.alert.warn { background:#fff8e1; border-color:#ffe08a; color:#5d4200; }
.field { margin:0 0 .8rem; }
.field label, fieldset legend { display:block; font-weight:600; margin-bottom:.2rem; }
.field input[type=text], .field input[type=password], .field input[type=date], .field input[type=tel],
.field input[type=number], .field input[type=search], .field select, .field textarea { width:100%; max-width:28rem;
  padding:.4rem .5rem; border:1px solid #b8c2cc; border-radius:4px; font:inherit; background:#fff; }
.field.has-error input, .field.has-error select, .field.has-error textarea { border-color:var(--red); }
.field-error { color:var(--red); margin:.2rem 0 0; }
.hint { color:var(--muted); margin:.2rem 0 0; font-size:.9em; }
.req { color:var(--red); }
fieldset.field { border:none; padding:0; }
label.radio { display:inline-block; font-weight:400; margin-right:1rem; }
.field.check label { font-weight:400; }
.grid { display:grid; grid-template-columns:repeat(auto-fill, minmax(16rem, 1fr)); gap:0 1rem; }
button, .button { display:inline-block; background:var(--accent); color:#fff; border:none; border-radius:4px;
  padding:.45rem 1rem; font:inherit; cursor:pointer; text-decoration:none; }
button.secondary, .button.secondary { background:#fff; color:var(--accent); border:1px solid var(--accent); }
button.danger { background:var(--red); }
.actions { display:flex; gap:.5rem; flex-wrap:wrap; align-items:center; margin-top:.5rem; }
form.inline { display:inline; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:.2rem 1rem; margin:0; }
dl.facts dt { color:var(--muted); } dl.facts dd { margin:0; }
.filters { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:flex-end; }
.filters .field { margin:0; }
.pager { margin:.75rem 0; display:flex; gap:1rem; }
.login { max-width:24rem; margin:4rem auto; }
.id-check { font-size:.9em; margin:.2rem 0 0; }
iframe.report { width:100%; height:80vh; border:1px solid var(--line); background:#fff; }
table.review form .field { margin:.3rem 0; }
table.review td ul { margin:0; padding-left:1.1rem; }
table.side-by-side tr.differs th, table.side-by-side tr.differs td { background:#fff3c4; }
section.duplicate form.dismiss { margin-top:.6rem; border-top:1px solid #ddd; padding-top:.6rem; }
@media print {
  header.top, nav, .actions, .no-print, form button { display:none !important; }
  body { background:#fff; font-size:11pt; }
  main { max-width:none; margin:0; padding:0; }
  section.card { border:none; padding:0; page-break-inside:avoid; }
  @page { size:A4; margin:15mm; }
}
)css";

const std::string_view kScript = R"js(
"use strict";
// Live check of an ID number as it is typed: the server's own rule answers (/check/id-number), so there is one.
document.querySelectorAll('input[data-check="id-number"]').forEach(function (input) {
  var out = document.createElement('p');
  out.className = 'id-check';
  out.setAttribute('aria-live', 'polite');
  input.insertAdjacentElement('afterend', out);
  var timer = null;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var value = input.value.trim();
      if (!value) { out.textContent = ''; return; }
      fetch('/check/id-number?value=' + encodeURIComponent(value), {credentials: 'same-origin'})
        .then(function (r) { return r.json(); })
        .then(function (j) { out.textContent = j.text; out.className = 'id-check ' + (j.ok ? 'ok' : 'field-error'); })
        .catch(function () {});
    }, 150);
  });
});
// Search as the user types: the list is re-rendered by the server and swapped in.
document.querySelectorAll('form[data-live-search]').forEach(function (form) {
  var box = form.querySelector('input[name=q]');
  var target = document.getElementById(form.getAttribute('data-live-search'));
  if (!box || !target) return;
  var timer = null;
  box.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var params = new URLSearchParams(new FormData(form));
      params.set('partial', '1');
      fetch(form.getAttribute('action') + '?' + params.toString(), {credentials: 'same-origin'})
        .then(function (r) { return r.text(); })
        .then(function (html) { target.innerHTML = html; })
        .catch(function () {});
    }, 120);
  });
});
// Ask before a form marked data-confirm is sent (lowering a colour, closing a file).
document.querySelectorAll('form[data-confirm]').forEach(function (form) {
  form.addEventListener('submit', function (e) {
    if (!window.confirm(form.getAttribute('data-confirm'))) e.preventDefault();
  });
});
// The sync's progress while it runs (/sync/progress), and the page again once it has ended: without script the page
// shows the same state on a reload.
document.querySelectorAll('[data-sync-progress]').forEach(function (box) {
  if (box.getAttribute('data-running') !== '1') return;
  var timer = setInterval(function () {
    fetch('/sync/progress', {credentials: 'same-origin'})
      .then(function (r) { return r.json(); })
      .then(function (j) {
        box.textContent = j.text;
        if (!j.running) { clearInterval(timer); window.location.reload(); }
      })
      .catch(function () {});
  }, 1000);
});
// Print buttons.
document.querySelectorAll('[data-print]').forEach(function (b) {
  b.addEventListener('click', function () { window.print(); });
});
)js";

}  // namespace tongdang::web::assets

namespace tongdang::web::assets {

std::optional<Response> serve(const Request& request) {
  if (request.method == "GET" && (request.path == "/static/app.css" || request.path == "/static/app.js")) {
    const bool css = request.path == "/static/app.css";
    Response asset = Response::plain(200, std::string(css ? kStyle : kScript));
    asset.content_type = css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    asset.header("Cache-Control", "max-age=3600");
    return asset;
  }
  if (request.path == "/favicon.ico") return Response::plain(204, "");
  return std::nullopt;
}

}  // namespace tongdang::web::assets

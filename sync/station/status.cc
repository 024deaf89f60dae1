#include "sync/station/status.h"

#include <string>

#include "sync/station/outbox.h"
#include "sync/station/sync_meta.h"

namespace tongdang::sync {

using nlohmann::json;

json SyncStatusReport::to_json() const {
  return {{"server", server_url},           {"last_success", last_success.empty() ? json(nullptr) : json(last_success)},
          {"outbox", outbox},               {"open_conflicts", open_conflicts},
          {"open_duplicates", open_duplicates}, {"rejected", rejected},
          {"clock_ahead_ms", clock_ahead_ms}};
}

SyncStatusReport sync_status(Station& station) {
  SyncStatusReport report;
  db::Database& db = station.db();
  report.server_url = station.meta(meta::kServer).value_or("");
  report.last_success = station.meta(meta::kLastSuccess).value_or("");
  auto count = [&db](const char* sql) {
    auto query = db.prepare(sql);
    return query.step() ? query.get_int(0) : std::int64_t{0};
  };
  report.outbox = count("SELECT count(*) FROM outbox");
  report.open_conflicts = count("SELECT count(*) FROM conflicts WHERE status = 'open'");
  report.open_duplicates = count("SELECT count(*) FROM duplicate_candidates WHERE status = 'open'");
  auto rejected = db.prepare(
      "SELECT change_id, entity, entity_id, op, reason, rejected_at, actor FROM rejected_changes ORDER BY rejected_at");
  while (rejected.step())
    report.rejected.push_back({{"change_id", rejected.get_text(0)}, {"entity", rejected.get_text(1)},
                               {"entity_id", rejected.get_text(2)}, {"op", rejected.get_text(3)},
                               {"reason", shown_reason(rejected.get_text(4))}, {"rejected_at", rejected.get_text(5)},
                               {"actor", rejected.get_text(6)}});
  report.clock_ahead_ms = std::stoll(station.meta(meta::kClockAhead).value_or("0"));
  return report;
}

std::vector<json> list_duplicates(Station& station) {
  auto query = station.db().prepare("SELECT body, status FROM duplicate_candidates ORDER BY status DESC, opened_at, id");
  std::vector<json> out;
  while (query.step()) {
    json body = json::parse(query.get_text(0));
    body["status"] = query.get_text(1);
    out.push_back(std::move(body));
  }
  return out;
}

}  // namespace tongdang::sync

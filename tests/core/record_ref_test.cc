// Short references to records: ids made in the same millisecond share their first characters, so lists show the
// last 8 characters and a reference may be a unique prefix or suffix. Regression test for the demo's child list,
// where every row showed the same short id.
#include <catch2/catch.hpp>

#include "core/base/ids.h"
#include "core/store/record_ref.h"

using namespace tongdang;

TEST_CASE("Record ref: ids made in one millisecond differ in their short form", "[store]") {
  const std::int64_t same_ms = 1'795'000'000'000;
  std::string a = new_record_id(same_ms), b = new_record_id(same_ms);
  CHECK(a.substr(0, 8) == b.substr(0, 8));  // time-ordered: the prefix is the clock
  CHECK(short_record_id(a) != short_record_id(b));
  CHECK(short_record_id(a).size() == 8);
}

TEST_CASE("Record ref: whole id, unique prefix or suffix, and ambiguous and short references refused", "[store]") {
  db::Database db(":memory:", db::Database::Mode::CreateIfMissing);
  db.exec("CREATE TABLE things(id TEXT PRIMARY KEY)");
  const std::string first = "01a2204f-5600-7d7b-be72-641c7c44eb0b";
  const std::string second = "01a2204f-5600-7019-b819-def05f839f94";
  db.prepare("INSERT INTO things VALUES(?1), (?2)").bind_all(first, second).run();

  CHECK(resolve_record_ref(db, "things", first, "x", "物", "thing").value() == first);
  CHECK(resolve_record_ref(db, "things", "c44eb0b", "x", "物", "thing").value() == first);    // suffix
  CHECK(resolve_record_ref(db, "things", "01a2204f-5600-70", "x", "物", "thing").value() == second);  // prefix
  auto ambiguous = resolve_record_ref(db, "things", "01a2204f", "x", "物", "thing");
  CHECK(ambiguous.status().code() == Code::InvalidInput);
  CHECK(ambiguous.status().field() == "x");
  CHECK(resolve_record_ref(db, "things", "eb0", "x", "物", "thing").status().code() == Code::InvalidInput);
  CHECK(resolve_record_ref(db, "things", "ffffffff", "x", "物", "thing").status().code() == Code::NotFound);
}

// Every tuning constant of core (the station's database, untrusted input, the ledger, the workflow and the reports), each
// with what it trades off and its default. The sync libraries keep their own: sync/protocol/tuning.h (what both ends
// agree on), sync/station/tuning.h (the station's client), sync/server/tuning.h (the county server).
// Policy numbers a county may change (visit intervals, instrument points) are not here: they live in the county
// policy file (fixtures/policy/default.json).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tongdang::tuning {

// ---- the database (core/db/sqlite.cc) ----

// How long a writer waits for another process holding the station database before failing. Long enough for a
// ledger import or a sync page in another window to finish; short enough that a stuck process is noticed.
inline constexpr int kBusyTimeoutMs = 10'000;
// SQLite page size of a new database file (station or server), in bytes; an existing file keeps its own. Larger
// pages: fewer, shallower index levels for the 36-character ids and a quarter of the WAL system calls of SQLite's
// default 4096 (a 2,000-row import: 16,700 -> 5,200 calls, about 15 % less CPU); each small commit writes whole
// pages to the WAL, so much larger would waste more on one-visit writes.
inline constexpr int kPageSizeBytes = 16 * 1024;

// ---- what one change may hold (core/base/text_limits.h; checked on the station and by the server) ----

// Most bytes one change (a profile change or an event, encoded as JSON) may take. Text limits (text_limits.h)
// keep real changes under a few tens of KB; a change over this one (an older program's, or one written by SQL)
// is rejected for good — on the station before it is sent, and by the server — rather than failing its page, so
// it can never stop the queue behind it. At most kPushPageBytes, so every page holds at least one change.
// Default 1 MiB.
inline constexpr std::int64_t kMaxChangeBytes = 1024 * 1024;

// ---- untrusted input (core/base/untrusted_json.h) ----

// Deepest nesting of arrays and objects accepted in JSON another machine sent (request bodies on the server,
// answers and snapshot page headers on a station, pull cursors and snapshot positions). Deeper documents are
// refused before a tree is built, so the recursive code that copies, compares and dumps trees stays within a small
// stack. The deepest legitimate document is a pull page or push body carrying an event payload (about 7 levels:
// body, changes, change, event, payload, answers, a list); 32 leaves room for richer payloads.
inline constexpr int kMaxJsonDepth = 32;

// ---- ledger import (core/ledger) ----

// SQLite page cache, in KiB, while a ledger is imported. A 2,000-row ledger writes about 12 MB (profiles,
// memberships, relatives, their audit and outbox rows) in one transaction; with SQLite's default 2 MB cache the
// transaction spills pages to the WAL and reads them back, which made the import about 3x slower. Memory is given
// back when the import ends.
inline constexpr int kImportCacheKiB = 64 * 1024;
// How many rows from the top of a ledger file are searched for the header row (a title, a date or a blank row
// often stand above it). Enough for the titles townships put there; few enough that a file without a header is
// refused at once rather than read as data.
inline constexpr int kHeaderSearchRows = 10;
// The most bytes one XML part of an .xlsx ledger may unpack to (core/ledger/xlsx_reader.cc): the parts are
// streamed, so this bounds time, not memory — a zip bomb is refused rather than read for minutes. A 100,000-row
// sheet of 40 columns is about 150 MB of XML. Default 512 MiB.
inline constexpr std::uint64_t kXlsxPartMaxBytes = 512ULL * 1024 * 1024;
// How much of an .xlsx part is unpacked and handed to the XML parser at a time: large enough to keep the calls
// few, small enough to stay in cache. Default 64 KiB.
inline constexpr std::size_t kXlsxReadChunkBytes = 64 * 1024;
// How many similar village names an unknown name lists (core/model/division.h find_village): enough to show the
// one meant after a typo, few enough to read on one line.
inline constexpr std::size_t kVillageCandidatesShown = 8;

// ---- ID numbers and the audit trail ----

// ID numbers in lists and exports: how many leading and trailing characters stay visible (docs/domain.md "ID numbers").
inline constexpr int kIdMaskKeepHead = 6;
// Trailing characters of an ID number left visible (see kIdMaskKeepHead).
inline constexpr int kIdMaskKeepTail = 4;
// Rows shown by `tongdang audit list` and `tongdang-server audit list` unless --limit says otherwise.
inline constexpr int kAuditListDefault = 50;

// ---- finding children (core/workflow/search.h) and the file page ----

// Children on one page of a search (the web list, `tongdang child find`). 50 rows keep a page under 150 KB and
// render in a few milliseconds on a 10,000-child station; more would need scrolling past what anyone reads.
inline constexpr int kSearchPageSize = 50;
// Rows of the overdue list in the coverage report's HTML page as the web frames it: the most urgent first, with the
// count; the whole list stays in the CSV and in the whole report (?overdue=all). A 10,000-child township can have
// thousands overdue, and every row is ~80 bytes of page (docs/benchmarks.md "Web pages").
inline constexpr int kReportOverdueRowsShown = 100;
// Fewest trailing digits of an ID number a search matches on: 4 is what is printed unmasked (kIdMaskKeepTail), so
// a number read off a masked list finds its child; fewer would match a large share of the station.
inline constexpr int kSearchMinDigits = 4;
// Newest audit rows shown in a child's change history (the file page); older ones stay in `tongdang audit list`.
// How long before a category ends at its age limit (16 or 18) the review queue shows it, and with it the file that
// closes itself then: a month leaves time to close the file by hand with another reason or register a new category.
inline constexpr int kAgeLimitNoticeDays = 30;
// How long the county's review queue lists a file closed as moved out of the county: three months, the time the
// county has to hand the file to the receiving county (or reopen it if the child never left).
inline constexpr int kMovedOutShownDays = 90;
// A mandatory report or referral with no update for this long is listed on the county's review queue ("open too
// long"): a month without word from the police, school or hospital is when the county calls them. [default]
inline constexpr int kReferralLongOpenDays = 30;
// How many of the latest colour changes, visits and changes `tongdang child show` prints (the whole lists are
// `colour history`, `visit list` and `child history`): enough to see where a file stands on one screen.
inline constexpr std::size_t kFileRecentRows = 5;
inline constexpr int kChildHistoryRows = 200;

// ---- signing in (core/store/sign_in.h) ----

// Shortest password a user may set, in characters (Unicode code points: a Chinese password of 8 characters counts 8).
// Eight is the floor of current guidance (NIST SP 800-63B) for a password checked against an online throttle.
inline constexpr int kMinPasswordChars = 8;
// Longest password accepted, in bytes: argon2id takes any length, but an unbounded one is free work for an attacker.
inline constexpr int kMaxPasswordBytes = 256;
// Failed sign-ins in a row before each further attempt must wait; a tired director mistypes a few times.
inline constexpr int kFreeSignInFailures = 3;
// The first wait after kFreeSignInFailures failures, in seconds; it doubles with each further failure …
inline constexpr int kSignInBackoffFirstSeconds = 2;
// … up to this many seconds: long enough to make guessing hopeless (a few hundred guesses a day), short enough
// that a director who forgot and remembered is not locked out of a day's work.
inline constexpr int kSignInBackoffMaxSeconds = 300;
// A web session ends after this many minutes without a request (the station's computer is shared in the office).
inline constexpr int kWebSessionIdleMinutes = 30;
// … and in any case this many hours after signing in (a working day).
inline constexpr int kWebSessionMaxHours = 12;
// `tongdang login` keeps a session for the CLI this long without use …
inline constexpr int kCliSessionIdleMinutes = 60;
// … and at most this many hours: short-lived, so a session file left on a shared computer soon opens nothing.
inline constexpr int kCliSessionMaxHours = 8;

// ---- workflow ----

// `tongdang due` lists, for every child, the items falling due within this many days of the as-of date (and all
// overdue ones), so a director can plan the week's visits; larger values make the list longer, not more urgent.
inline constexpr int kDueHorizonDays = 7;

// ---- coverage reports (core/report) ----

// The visit-coverage target drawn on the report's chart when the county policy sets none (report.coverage_target):
// the share of graded children visited within their colour's interval a county aims at.
inline constexpr double kCoverageTarget = 0.95;
// Weekly points of the overdue trend (the last is the report's day): eight weeks show a direction without
// crowding a printed page.
inline constexpr int kReportTrendPoints = 8;

}  // namespace tongdang::tuning

// Limits on stored text (docs/security.md, findings 7 and 10): how long each kind of text may be and which characters
// it may hold. One check, check_text(), is used for every text a person types or a station pushes — profile fields
// (through normalize_field, profile.h), event payloads (check_event_text, on the station in record_event and on the
// server at the top of a pushed change), user names — so a value refused on the station is refused on the server for
// the same reason, and the other way round.
//
// Why limits: a field with no bound lets one change outgrow a push page and stop a station's queue for ever
// (finding 7). Why characters: control characters (ESC, NUL …) in a name are printed raw to terminals and
// travel into spreadsheets (finding 10). The limits are documented in docs/user-guide.md ("文本长度限制").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/status.h"

namespace tongdang {

// What a text may hold. Lengths count Unicode code points (a Chinese character is one), not bytes.
struct TextRule {
  int max_chars = 0;       // most code points allowed
  bool multiline = false;  // line feed and tab allowed (notes, reasons); never other control characters
};

// The rules by kind of text, with the reasoning for each bound. Every profile field (child_fields(),
// relative_fields()) and every event payload key (event_text_rules()) names one of these.
namespace text_rules {
// A person's name (child, relative, user, case worker, reporter): Chinese names are 2–4 characters, minority
// names in Chinese transliteration reach about 20 (阿卜杜热合曼·买买提明); 50 leaves room, and fits a table column.
inline constexpr TextRule kPersonName{50, false};
// A short label or vocabulary-like value: ethnicity, grade, disability type, a category, a status key.
inline constexpr TextRule kShort{50, false};
// An identifier or number: ID numbers (18), phone numbers with extension, certificate numbers, UUIDs (36),
// dates, HLC stamps, division codes, policy versions. 64 covers them all with room.
inline constexpr TextRule kCode{64, false};
// An address: the longest Jiangsu addresses written out (省市县乡村组门牌) are under 60 characters; 200 allows
// descriptions such as "租住在……隔壁" without allowing a page of text.
inline constexpr TextRule kAddress{200, false};
// One line of description: a school, health, benefits, a care measure, a provider.
inline constexpr TextRule kLine{200, false};
// A reason or an outcome given for a decision (closing a file, lowering a colour): a few sentences.
inline constexpr TextRule kReason{500, true};
// Free notes of a visit, assessment, verification or measure: about a page of handwriting (2,000 characters is
// two A4 pages of Chinese in the record books stations keep today).
inline constexpr TextRule kNotes{2000, true};
}  // namespace text_rules

// Checks `text` against `rule`: well-formed UTF-8, no control character (U+0000–U+001F except line feed and tab
// in a multi-line text, U+007F, U+0080–U+009F), at most rule.max_chars code points. The error names `field` and
// says what is wrong: the character and its position, or the limit and the length given.
Status check_text(std::string_view field, std::string_view text, const TextRule& rule);

// `text` made safe to print on a terminal, whatever a database holds (an older program's rows may predate
// check_text): each control character but line feed, tab and a carriage return before a line feed becomes the
// visible escape \uXXXX (also a valid escape inside a JSON string), each malformed UTF-8 byte U+FFFD.
std::string terminal_safe(std::string_view text);

// Number of code points in well-formed UTF-8 (a malformed byte counts as one).
std::size_t count_code_points(std::string_view text);

// The rule of each event payload key ("notes", "reason" …). Keys not listed get text_rules::kCode: they hold
// machine values (ids, dates, colours, vocabulary keys), never prose.
struct PayloadTextRule {
  std::string_view key;
  TextRule rule;
};
const std::vector<PayloadTextRule>& event_text_rules();
const TextRule& event_text_rule(std::string_view key);

// Checks an event in its wire form (Event::to_json()): every string in it — the payload at any depth, and the
// event's own members — against its rule, and the whole event's encoded size against tuning::kMaxChangeBytes.
// `encoded_bytes` is that size when the caller knows it or a bound of it (the size of the change carrying the
// event); otherwise it is measured. Used by record_event on the station and, through check_change_limits, for
// every pushed event on both sides, so station and server refuse the same events.
Status check_event_text(const nlohmann::json& event, std::optional<std::size_t> encoded_bytes = std::nullopt);

}  // namespace tongdang

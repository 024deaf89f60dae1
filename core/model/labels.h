// The display labels of the domain's machine keys — a field, a colour, a category, a role, a status … — in
// Chinese and English. They belong to the model (the vocabularies are its own); core/base's messages know nothing
// of them.
#pragma once

#include <string>
#include <string_view>

#include "core/base/i18n.h"
#include "core/model/choices.h"

namespace tongdang::i18n {

// The label of `key` in the reader's language (i18n::language()); the key itself if none is known. For output
// rendered at the edge: a table, a CSV header. A choice has its label under its key and under "vocabulary.key"
// ("care_status.done", "trigger.R1"; choices.h).
std::string label(std::string_view key);
// The label in both languages, as a message argument: trf("… {} …", "… {} …", term(key)) keeps each language's
// label until the message is shown.
Message term(std::string_view key);
// The same for a key of one vocabulary, where a key alone is ambiguous ("phone": the field, or the kind of visit).
std::string label(Vocabulary vocabulary, std::string_view key);
Message term(Vocabulary vocabulary, std::string_view key);

}  // namespace tongdang::i18n

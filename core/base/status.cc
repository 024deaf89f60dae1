#include "core/base/status.h"

namespace tongdang {

int exit_code(Code code) {
  switch (code) {
    case Code::Ok: return 0;
    case Code::InvalidInput: return 2;
    case Code::Refused: return 3;
    case Code::Conflict: return 3;
    case Code::NotFound: return 4;
    case Code::Unauthenticated: return 5;
    case Code::Internal: return 1;
  }
  return 1;
}

Message Status::reason() const {
  if (field_.empty()) return message_;
  return Message::catalogued(kFieldReason, {{field_, field_}, {message_.in(i18n::Lang::Zh), message_.in(i18n::Lang::En)}});
}

}  // namespace tongdang

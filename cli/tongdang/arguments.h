// What the arguments many `tongdang` commands share mean, said once for every command's help.
#pragma once

#include "core/base/i18n.h"

namespace tongdang::cli {

// The CHILD argument: every form resolve_child() accepts (core/workflow/children.h).
inline const char* child_help() {
  return i18n::edge::tr("档案编号或其唯一前缀（至少 4 位）、身份证号或临时编号",
                        "its file id or a unique prefix of it (4+ characters), ID number or temporary key");
}

}  // namespace tongdang::cli

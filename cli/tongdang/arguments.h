// What the arguments many `tongdang` commands share mean, said once for every command's help.
#pragma once

#include "core/base/i18n.h"

namespace tongdang::cli {

// The CHILD argument: every form resolve_child() accepts (core/workflow/children.h).
inline const char* child_help() {
  return i18n::edge::tr("档案编号或其唯一前缀（至少 4 位）、身份证号或临时编号",
                        "its file id or a unique prefix of it (4+ characters), ID number or temporary key");
}

// The CHILD of the commands that read one file (child show, child history, visit list): a name too.
inline const char* child_or_name_help() {
  return i18n::edge::tr("档案编号或其唯一前缀、身份证号、临时编号，或本人范围内唯一的姓名",
                        "its file id or a unique prefix, ID number, temporary key, or a name unique in your scope");
}

// The CHILD of `screen review` and `screen confirm`: the child, or the lead id `screen pending` shows.
inline const char* screened_help() {
  return i18n::edge::tr("儿童（档案编号、身份证号等），或 screen pending 列出的线索编号",
                        "the child (file id, ID number …), or the lead id `screen pending` shows");
}

}  // namespace tongdang::cli

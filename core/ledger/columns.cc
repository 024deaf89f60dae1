// The ledger's column vocabulary (columns.h).
#include "core/ledger/columns.h"

#include <algorithm>
#include <cctype>

namespace tongdang {

namespace {

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view trim_cell(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  // The ideographic space (U+3000) that Chinese input methods type.
  constexpr std::string_view kWideSpace = "\xE3\x80\x80";
  while (text.substr(0, 3) == kWideSpace) text.remove_prefix(3);
  while (text.size() >= 3 && text.substr(text.size() - 3) == kWideSpace) text.remove_suffix(3);
  return text;
}

const std::vector<LedgerColumn>& ledger_columns() {
  static const std::vector<LedgerColumn> columns = {
      {"name", {"姓名", "儿童姓名"}, "the child's name (required)"},
      {"id_number", {"身份证号", "身份证号码", "公民身份号码"}, "resident ID number, 18 characters (empty only for 无户籍)"},
      {"sex", {"性别"}, "男/女 or male/female; optional, must agree with the ID number"},
      {"birth_date", {"出生日期"}, "YYYY-MM-DD; optional, must agree with the ID number"},
      {"ethnicity", {"民族"}, "e.g. 汉族"},
      {"hukou_status", {"户籍状态", "户籍"}, "有户籍/无户籍 or registered/unregistered (default registered)"},
      {"village", {"村居代码", "现居村居代码", "村(居)代码", "现居村(居)代码", "村（居）代码", "村(居)", "村（居）", "村居", "所在村",
                   "所在村(居)", "所在村（居）", "村名"},
       "the current village: its 12-digit code or its name in the township, e.g. 大吴村 (required)"},
      {"registered_village", {"户籍村居代码", "户籍地村(居)代码", "户籍地村(居)", "户籍村"},
       "the registered village: 12-digit code or its name in the township"},
      {"registered_address", {"户籍地址"}, "registered address"},
      {"current_address", {"现住址", "现居住地址"}, "current address"},
      {"school", {"学校", "就读学校"}, "school"},
      {"grade", {"年级"}, "grade"},
      {"schooling", {"就学情况", "就学状态"}, "学前/在校/辍学/未入学/已毕业 or preschool/in_school/dropout/not_in_school/graduated"},
      {"boarding", {"是否寄宿", "寄宿"}, "是/否"},
      {"health", {"健康状况"}, "health"},
      {"disability_type", {"残疾类型"}, "disability type"},
      {"disability_grade", {"残疾等级"}, "disability grade, 1–4"},
      {"disability_cert", {"残疾证号"}, "disability certificate number"},
      {"phone", {"联系电话", "儿童电话"}, "the child's or household's phone"},
      {"household_income", {"家庭收入来源"}, "household income sources"},
      {"benefits", {"享受待遇", "享受政策"}, "benefits received"},
      {"categories", {"类别", "儿童类别", "困境类别"},
       "categories, several separated by 、 ; or |: codes (LEFT_BEHIND) or Chinese (留守儿童, 留守, 低保 …)"},
      {"father_name", {"父亲姓名"}, "father's name"},
      {"father_id_number", {"父亲身份证号"}, "father's ID number"},
      {"father_phone", {"父亲电话"}, "father's phone"},
      {"father_status", {"父亲状态", "父亲情况"}, "在家/外出务工/死亡/失踪/服刑/重残/重病/失联 or present/working_away/…"},
      {"father_place", {"父亲务工地点", "父亲外出地点"}, "where the father works away (required when working away)"},
      {"father_since", {"父亲外出时间", "父亲外出日期"}, "since when (YYYY-MM-DD)"},
      {"mother_name", {"母亲姓名"}, "mother's name"},
      {"mother_id_number", {"母亲身份证号"}, "mother's ID number"},
      {"mother_phone", {"母亲电话"}, "mother's phone"},
      {"mother_status", {"母亲状态", "母亲情况"}, "as father_status"},
      {"mother_place", {"母亲务工地点", "母亲外出地点"}, "where the mother works away (required when working away)"},
      {"mother_since", {"母亲外出时间", "母亲外出日期"}, "since when (YYYY-MM-DD)"},
      {"guardian_name", {"监护人姓名", "受委托监护人姓名", "委托监护人姓名"}, "the actual / entrusted guardian's name"},
      {"guardian_relation", {"监护人关系", "与儿童关系", "监护人与儿童关系"},
       "父亲/母亲/祖父/祖母/奶奶/外婆/叔叔/姑姑/… (default: entrusted guardian)"},
      {"guardian_id_number", {"监护人身份证号"}, "guardian's ID number"},
      {"guardian_phone", {"监护人电话", "监护人联系电话"}, "guardian's phone"},
      {"guardian_capacity", {"监护能力", "监护人监护能力"}, "有监护能力/监护能力弱/无监护能力 or capable/limited/incapable"},
      {"guardian_address", {"监护人地址", "监护人住址"}, "guardian's address"},
      // Written by export only; an import refuses them (a ledger adds new children, it does not update files).
      {"id", {"编号"}, "export only: the file's id"},
      {"status", {"档案状态"}, "export only: open or closed"},
      {"colour", {"风险等级"}, "export only: the current colour"},
      {"other_relatives", {"其他家庭成员"}, "export only: other relatives"},
  };
  return columns;
}

const LedgerColumn* find_ledger_column(std::string_view header) {
  std::string_view text = trim_cell(header);
  for (const auto& column : ledger_columns()) {
    if (equals_ignore_case(column.name, text)) return &column;
    for (auto chinese : column.chinese)
      if (chinese == text) return &column;
  }
  return nullptr;
}

}  // namespace tongdang

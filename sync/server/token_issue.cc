#include "sync/server/token_issue.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/division.h"
#include "sync/protocol/tokens.h"

namespace tongdang::sync::tokens {

std::string generate() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
  std::array<unsigned char, 32> random{};
  randombytes_buf(random.data(), random.size());
  std::string hex(random.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
  hex.pop_back();
  return "tdk_" + hex;
}

Status check_new_token(const NewToken& spec, std::string_view county) {
  using i18n::tr;
  using i18n::trf;
  if (!access::may(spec.role, access::Action::WriteFiles))
    return Status::invalid("role", tr("应为儿童主任（director）、儿童督导员（supervisor）或县级（county）；查看者没有令牌",
                                      "must be director, supervisor or county; a viewer holds no token"));
  if (spec.kind == TokenKind::User && spec.name.empty())
    return Status::invalid("name", tr("必填：用户姓名", "required: the user's name"));
  const bool required = spec.kind == TokenKind::Station || access::bounded_by_township(spec.role);
  if (spec.township.empty()) {
    if (required) return Status::invalid("township", tr("必填：9位乡镇代码", "required: a 9-digit township code"));
  } else {
    auto checked = check_township_code(spec.township, "township");
    if (!checked) return checked.status();
    if (spec.township.substr(0, 6) != county)
      return Status::invalid("township", trf("{} 不属于本县 {}", "{} is not in this county {}", spec.township,
                                             std::string(county)));
  }
  return access::check_villages(spec.role, spec.township, spec.villages);
}

Result<Issued> issue(CentralStore& store, const NewToken& spec, std::string_view at) {
  if (Status checked = check_new_token(spec, store.identity().county); !checked) return checked;
  Issued issued;
  issued.token = generate();
  auto id = store.add_token(spec, tokens::hash(issued.token), at);
  if (!id) return id.status();
  issued.id = id.value();
  return issued;
}

}  // namespace tongdang::sync::tokens

#include "sync/server/county_transfer.h"

#include <sodium.h>

#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "core/base/hlc.h"
#include "core/base/i18n.h"
#include "core/base/ids.h"
#include "core/base/text_limits.h"
#include "core/base/untrusted_json.h"
#include "core/model/division.h"
#include "core/model/id_number.h"
#include "core/store/file_merge.h"
#include "core/store/profile.h"
#include "core/store/record_ref.h"
#include "core/workflow/transfer.h"
#include "sync/server/server_merge.h"
#include "sync/server/tuning.h"

namespace tongdang::sync::county_transfer {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

namespace {

void init_sodium() {
  static const int initialised = sodium_init();
  if (initialised < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string to_base64(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string to_base64(std::string_view bytes) {
  return to_base64(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// The bytes `text` spells in base64, or nothing if it is not base64 (or, with `size`, not exactly that many bytes).
std::optional<std::string> from_base64(std::string_view text, std::optional<std::size_t> size = std::nullopt) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t written = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &written, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  out.resize(written);
  if (size && out.size() != *size) return std::nullopt;
  return out;
}

const unsigned char* bytes(const std::string& text) { return reinterpret_cast<const unsigned char*>(text.data()); }

std::string sha256_hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

// The name of a county code as the division table gives it; the code itself for a county the table does not hold.
std::string county_name(std::string_view code) {
  const County* county = Divisions::bundled().county(code);
  return county ? county->name : std::string(code);
}

bool is_digits(std::string_view text, std::size_t size) {
  return text.size() == size && text.find_first_not_of("0123456789") == std::string_view::npos;
}

Status no_keys() {
  return Status::refused(tr("本县还没有密钥：先运行 tongdang-server county-key init",
                            "this county has no keys yet: run tongdang-server county-key init first"));
}

// The trusted county `wanted` names: its code, or the name it was trusted under.
Result<TrustedCounty> find_trusted(StoreTransaction& tx, std::string_view wanted) {
  if (auto by_code = tx.trusted_county(wanted)) return *by_code;
  for (auto& county : tx.trusted_counties())
    if (county.name == wanted) return county;
  return Status::refused(trf("县 {} 不在信任名单中：先用 county-key trust 记录该县的公钥",
                             "county {} is not trusted: record its public keys with county-key trust first", wanted));
}

// ---- export ----

// The child an export names: its record id, or its full ID number.
Result<std::string> find_child(StoreTransaction& tx, std::string_view ref) {
  if (looks_like_uuid(ref)) {
    if (tx.locate("child", ref)) return std::string(ref);
  } else {
    auto found = tx.children_with_id_number(ref, "", 2);
    if (found.size() == 1) return found.front().child_id;
    if (found.size() > 1)
      return Status::invalid("child", tr("多份档案使用这个身份证号：请用档案编号",
                                         "several files hold this ID number: give the file's id"));
  }
  return Status::not_found(trf("县中心没有档案 {}", "the county server holds no file {}", ref));
}

json profile_of(StoreTransaction& tx, std::string_view entity, const std::string& id) {
  std::vector<std::string> names;
  for (const auto& spec : fields_of(entity)) names.emplace_back(spec.name);
  return tx.read_fields(entity, id, names);
}

// The file's moving-out close (the latest), or a refusal saying why this file may not be exported.
Result<Event> moved_out_close(StoreTransaction& tx, const std::string& child_id) {
  const json status = tx.read_fields("child", child_id, {"status", "closed_reason"});
  const bool moved = status.value("status", json()) == "closed" &&
                     status.value("closed_reason", json()) == std::string(kMovedOutOfCounty);
  if (moved) {
    const std::vector<Event> closes = tx.child_events(child_id, "file.close");
    for (auto it = closes.rbegin(); it != closes.rend(); ++it)
      if (file_merge::closing_reason(it->payload) == kMovedOutOfCounty) return *it;
  }
  const json reason = status.value("closed_reason", json(""));
  const Message now = status.value("status", json()) == "closed"
                          ? trf("已结案，原因 {}", "closed, reason {}", reason.is_string() ? reason.get<std::string>() : "")
                          : tr("未结案", "open");
  return Status::refused(trf("只能移交已以“迁出本县”结案的档案（本档案：{}）；先在乡镇站点办理 tongdang transfer "
                             "--out-of-county 并同步",
                             "only a file closed as moved out of the county can be handed over (this one: {}); "
                             "record tongdang transfer --out-of-county at the station and sync first",
                             now));
}

json bundle_of(StoreTransaction& tx, const ServerIdentity& me, const CountyKeys& keys, const TrustedCounty& to,
               const std::string& child_id, const Event& close, const ExportRequest& request) {
  json child_fields = profile_of(tx, "child", child_id);
  const std::string number = child_fields.value("id_number", json()).is_string() ? child_fields["id_number"].get<std::string>()
                                                                                 : std::string();
  json relatives = json::array();
  for (const auto& relative : tx.relatives_of(child_id))
    relatives.push_back({{"id", relative}, {"fields", profile_of(tx, "relative", relative)}});
  json events = json::array();
  for (const Event& e : tx.child_events(child_id, "")) events.push_back(e.to_json());
  json memberships = json::array();
  for (const auto& m : tx.memberships_of(child_id))
    memberships.push_back({{"category", to_string(m.category)}, {"from", m.from.to_string()}, {"to", m.to.to_string()}});
  return {{"format", kBundleFormat},
          {"version", kBundleFormatVersion},
          {"exported_at", request.now_iso},
          {"exported_by", request.by},
          {"from_county", {{"code", me.county}, {"name", county_name(me.county)}, {"centre", me.name},
                           {"sign_key", keys.sign_public}}},
          {"to_county", {{"code", to.county}, {"name", to.name}}},
          {"child", {{"id", child_id}, {"fields", child_fields}, {"created_by", tx.created_by(child_id)},
                     {"id_number_masked", number.empty() ? json(nullptr) : json(mask_id_number(number))}}},
          {"relatives", relatives},
          {"events", events},
          {"memberships", memberships},
          {"care_measures", tx.open_care_measures(child_id)},
          {"moved_out", {{"event_id", close.id}, {"destination", close.payload.value("destination", "")},
                         {"on", close.occurred_on}, {"by", close.actor}}}};
}

// ---- import ----

// The village a file arrives in: a village of this county's division table, by code or (within a township) by name.
Result<const Village*> destination(const ImportRequest& request, const std::string& county) {
  const Divisions& divisions = Divisions::bundled();
  if (is_digits(request.village, 12)) {
    if (request.village.substr(0, 6) != county)
      return Status::invalid("village", trf("{} 不属于本县 {}", "{} is not in this county {}", request.village, county));
    const Village* village = divisions.village(request.village);
    if (!village) return Status::invalid("village", trf("{} 不在区划表中", "{} is not in the division table", request.village));
    return village;
  }
  if (request.township.empty())
    return Status::invalid("township", tr("按名称找村(居)时必填：乡镇的 9 位代码或名称",
                                          "required to find a village by name: the township's 9-digit code or name"));
  std::optional<Township> township;
  for (auto& t : divisions.townships_of(county))
    if (t.code == request.township || t.name == request.township) township = t;
  if (!township)
    return Status::invalid("township", trf("本县 {} 没有乡镇 {}", "this county {} has no township {}", county,
                                           request.township));
  VillageMatch match = divisions.find_village(township->code, request.village);
  if (match.village) return match.village;
  std::string names;
  for (const Village* v : match.candidates) names += (names.empty() ? "" : "、") + v->name + "（" + v->code + "）";
  if (match.ambiguous)
    return Status::invalid("village", trf("“{}”可指多个村(居)：{}；请用 12 位代码", "“{}” may mean several villages: {}; "
                                          "give the 12-digit code", request.village, names));
  return Status::invalid("village", trf("{} 没有名为“{}”的村(居)", "{} has no village named “{}”", township->name,
                                        request.village));
}

// The bundle, parsed and checked for form; a refusal names what is wrong.
struct Bundle {
  json whole;
  std::string child_id;
  json child_fields;
  std::vector<std::pair<std::string, json>> relatives;
  std::vector<Event> events;
  std::string from_county, from_county_name, from_centre;
};

Status malformed(const Message& why) {
  return Status::invalid("file", trf("转移文件内容不正确：{}", "the transfer file is malformed: {}", why));
}

Result<Bundle> read_bundle(const std::string& text) {
  auto parsed = parse_untrusted_json(text, "bundle");
  if (!parsed) return parsed.status();
  Bundle b;
  b.whole = std::move(parsed).value();
  const json& w = b.whole;
  if (!w.is_object() || w.value("format", "") != kBundleFormat || w.value("version", 0) != kBundleFormatVersion)
    return malformed(tr("格式或版本不认识", "unknown format or version"));
  try {
    b.from_county = w.at("from_county").at("code").get<std::string>();
    b.from_county_name = w.at("from_county").value("name", b.from_county);
    b.from_centre = w.at("from_county").value("centre", "");
    b.child_id = w.at("child").at("id").get<std::string>();
    b.child_fields = w.at("child").at("fields");
    for (const auto& r : w.at("relatives")) b.relatives.emplace_back(r.at("id").get<std::string>(), r.at("fields"));
    for (const auto& e : w.at("events")) {
      if (auto limited = check_event_text(e); !limited) return limited;
      auto event = Event::from_json(e);
      if (!event) return event.status();
      if (event.value().child_id != b.child_id)
        return malformed(tr("有事件不属于这份档案", "an event belongs to another file"));
      b.events.push_back(std::move(event).value());
    }
  } catch (const json::exception&) {
    return malformed(tr("缺少必需的部分", "a required part is missing"));
  }
  if (!looks_like_uuid(b.child_id) || !b.child_fields.is_object())
    return malformed(tr("档案编号或档案内容不正确", "the file's id or its fields are wrong"));
  return b;
}

// The child's fields as this county stores them: its place here, and checked as a new record pushed by a station is.
Result<json> arriving_fields(const Bundle& b, const Village& village, Date today) {
  json fields = json::object();
  for (const auto& [name, value] : b.child_fields.items())
    if (!value.is_null()) fields[name] = value;
  fields["township"] = village.code.substr(0, 9);
  fields["village"] = village.code;
  if (fields.value("id_number", json()).is_string()) {
    auto number = parse_id_number(fields["id_number"].get<std::string>(), today.plus_days(1));
    if (!number) return Status::invalid("id_number", number.status().reason());
  }
  if (auto valid = check_stored_fields("child", fields, true); !valid) return valid;
  return fields;
}

// Another open file of this county with the child's ID number: one file per child, so the county merges by hand.
Status check_number_free(StoreTransaction& tx, const json& fields, const std::string& child_id) {
  if (!fields.value("id_number", json()).is_string()) return Status::ok();
  for (const auto& other : tx.children_with_id_number(fields["id_number"].get<std::string>(), child_id,
                                                      tuning::kDuplicateGroupMaxFiles)) {
    const json held = tx.read_fields("child", other.child_id, {"name", "status"});
    if (held.value("status", json()) != "open") continue;
    return Status::conflict(trf("身份证号已在本县的档案 {}（{}，{}）上：不会建第二份档案；请在该档案中手工补录转入的内容",
                                "the ID number is already on this county's file {} ({}, {}): a second file is not "
                                "made; add what arrived to that file by hand",
                                other.child_id, held.value("name", json("")).get<std::string>(),
                                division_label(other.village)));
  }
  return Status::ok();
}

// Writes a record as this county's own first version of every field (the stations of the township take it whole).
void write_record(StoreTransaction& tx, std::string_view entity, const std::string& id, const json& fields,
                  const FieldRegister& reg, std::string_view now_iso) {
  tx.write_fields(entity, id, fields, now_iso);
  std::vector<std::pair<std::string, FieldRegister>> registers;
  for (const auto& [name, value] : fields.items())
    if (name != "created_by") registers.emplace_back(name, reg);
  tx.set_field_registers(entity, id, registers);
}

}  // namespace

// ---- keys ----

std::string fingerprint(std::string_view sign_public, std::string_view box_public) {
  const std::string hex = sha256_hex(std::string(sign_public) + "\n" + std::string(box_public));
  return fmt::format("{}-{}-{}-{}", hex.substr(0, 4), hex.substr(4, 4), hex.substr(8, 4), hex.substr(12, 4));
}

Result<CountyKeys> init_keys(CentralStore& store, bool replace, std::string_view now_iso) {
  init_sodium();
  auto tx = store.begin();
  auto existing = tx->county_keys();
  if (existing && !replace)
    return Status::refused(trf("本县已有密钥（{} 建立，指纹 {}）；要换新密钥请加 --replace，并请各县重新记录",
                               "this county already has keys (made {}, fingerprint {}); add --replace to make new "
                               "ones, and have the other counties record them again",
                               existing->created_at, fingerprint(existing->sign_public, existing->box_public)));
  unsigned char sign_pk[crypto_sign_PUBLICKEYBYTES], sign_sk[crypto_sign_SECRETKEYBYTES];
  unsigned char box_pk[crypto_box_PUBLICKEYBYTES], box_sk[crypto_box_SECRETKEYBYTES];
  crypto_sign_keypair(sign_pk, sign_sk);
  crypto_box_keypair(box_pk, box_sk);
  CountyKeys keys{to_base64(sign_pk, sizeof sign_pk), to_base64(sign_sk, sizeof sign_sk),
                  to_base64(box_pk, sizeof box_pk), to_base64(box_sk, sizeof box_sk), std::string(now_iso)};
  sodium_memzero(sign_sk, sizeof sign_sk);
  sodium_memzero(box_sk, sizeof box_sk);
  tx->save_county_keys(keys);
  json detail = {{"sign_public", keys.sign_public}, {"box_public", keys.box_public},
                 {"fingerprint", fingerprint(keys.sign_public, keys.box_public)}};
  if (existing) detail["replaced_fingerprint"] = fingerprint(existing->sign_public, existing->box_public);
  tx->audit_admin(now_iso, existing ? "county_key.replace" : "county_key.init", detail);
  tx->commit();
  return keys;
}

Result<PublicKeys> public_keys(CentralStore& store) {
  const ServerIdentity me = store.identity();
  auto tx = store.begin();
  auto keys = tx->county_keys();
  if (!keys) return no_keys();
  return PublicKeys{me.county, county_name(me.county), me.name, keys->sign_public, keys->box_public,
                    fingerprint(keys->sign_public, keys->box_public)};
}

Result<TrustedCounty> trust_county(CentralStore& store, std::string_view county, std::string_view sign_public,
                                   std::string_view box_public, std::string_view now_iso) {
  init_sodium();
  // A code, not a name: names repeat across provinces (鼓楼区 in Nanjing, Xuzhou, Fuzhou and Kaifeng).
  if (!is_digits(county, 6))
    return Status::invalid("county", tr("应为 6 位县级行政区划代码，如 320322", "must be a 6-digit county code, e.g. 320322"));
  if (county == store.identity().county)
    return Status::invalid("county", tr("这是本县自己", "that is this county itself"));
  if (!from_base64(sign_public, crypto_sign_PUBLICKEYBYTES))
    return Status::invalid("sign-key", tr("应为 Ed25519 公钥（32 字节）的 base64", "must be the base64 of an Ed25519 "
                                          "public key (32 bytes)"));
  if (!from_base64(box_public, crypto_box_PUBLICKEYBYTES))
    return Status::invalid("box-key", tr("应为 X25519 公钥（32 字节）的 base64", "must be the base64 of an X25519 "
                                         "public key (32 bytes)"));
  TrustedCounty trusted{std::string(county), county_name(county), std::string(sign_public), std::string(box_public),
                        std::string(now_iso)};
  auto tx = store.begin();
  auto before = tx->trusted_county(county);
  tx->save_trusted_county(trusted);
  json detail = {{"county", trusted.county}, {"name", trusted.name}, {"sign_public", trusted.sign_public},
                 {"box_public", trusted.box_public}, {"fingerprint", fingerprint(sign_public, box_public)}};
  if (before) detail["replaced_fingerprint"] = fingerprint(before->sign_public, before->box_public);
  tx->audit_admin(now_iso, "county_key.trust", detail);
  tx->commit();
  return trusted;
}

std::vector<TrustedCounty> trusted_counties(CentralStore& store) { return store.begin()->trusted_counties(); }

// ---- the file's layers ----

std::string sign_text(std::string_view text, std::string_view sign_secret) {
  init_sodium();
  const auto secret = from_base64(sign_secret, crypto_sign_SECRETKEYBYTES);
  if (!secret) throw std::runtime_error("the county's signing key is damaged");
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                       bytes(*secret));
  return to_base64(signature, sizeof signature);
}

std::string seal_file(std::string_view bundle_text, std::string_view signature, std::string_view to_county,
                      std::string_view box_public) {
  init_sodium();
  const auto recipient = from_base64(box_public, crypto_box_PUBLICKEYBYTES);
  if (!recipient) throw std::runtime_error("the receiving county's box key is damaged");
  const std::string inner = json{{"bundle", bundle_text}, {"signature", signature}}.dump();
  std::string sealed(inner.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()), bytes(inner), inner.size(), bytes(*recipient));
  return json{{"format", kBundleFormat}, {"version", kBundleFormatVersion}, {"to_county", to_county},
              {"sealed", to_base64(sealed)}}.dump() + "\n";
}

Result<Opened> open_file(std::string_view file, const CountyKeys& keys, std::string_view county) {
  init_sodium();
  if (file.size() > tuning::kMaxBundleBytes)
    return Status::invalid("file", trf("文件过大（超过 {} 字节），不是转移文件", "the file is too large (over {} bytes) "
                                       "for a transfer file", tuning::kMaxBundleBytes));
  auto outer = parse_untrusted_json(file, "file");
  if (!outer) return outer.status();
  const json& o = outer.value();
  if (!o.is_object() || o.value("format", "") != kBundleFormat || !o.value("sealed", json()).is_string())
    return malformed(tr("不是童档的转移文件", "not a tongdang transfer file"));
  if (o.value("version", 0) != kBundleFormatVersion)
    return malformed(trf("格式版本 {} 本程序不认识", "format version {} is unknown to this program", o.value("version", json()).dump()));
  if (o.value("to_county", "") != county)
    return Status::refused(trf("这份转移文件是给 {} 的，不是给本县 {} 的", "this transfer file is for {}, not for this "
                               "county {}", o.value("to_county", ""), county));
  const auto sealed = from_base64(o["sealed"].get<std::string>());
  const auto box_public = from_base64(keys.box_public, crypto_box_PUBLICKEYBYTES);
  const auto box_secret = from_base64(keys.box_secret, crypto_box_SECRETKEYBYTES);
  if (!box_public || !box_secret) throw std::runtime_error("this county's box keys are damaged");
  if (!sealed || sealed->size() < crypto_box_SEALBYTES)
    return malformed(tr("封装部分已损坏", "the sealed part is damaged"));
  std::string inner(sealed->size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(inner.data()), bytes(*sealed), sealed->size(),
                           bytes(*box_public), bytes(*box_secret)) != 0)
    return Status::refused(tr("无法打开：这份文件不是用本县公钥封装的，或已损坏",
                              "cannot open it: the file was not sealed to this county's key, or it is damaged"));
  auto parsed = parse_untrusted_json(inner, "file");
  if (!parsed) return parsed.status();
  const json& i = parsed.value();
  if (!i.is_object() || !i.value("bundle", json()).is_string() || !i.value("signature", json()).is_string())
    return malformed(tr("缺少档案或签名", "the bundle or its signature is missing"));
  return Opened{i["bundle"].get<std::string>(), i["signature"].get<std::string>()};
}

// ---- export and import ----

Result<Exported> export_file(CentralStore& store, const ExportRequest& request,
                             const std::function<Status(const std::string& bytes)>& write) {
  const ServerIdentity me = store.identity();
  auto tx = store.begin();
  auto keys = tx->county_keys();
  if (!keys) return no_keys();
  auto to = find_trusted(*tx, request.to_county);
  if (!to) return to.status();
  auto child = find_child(*tx, request.child);
  if (!child) return child.status();
  auto close = moved_out_close(*tx, child.value());
  if (!close) return close.status();
  const json bundle = bundle_of(*tx, me, *keys, to.value(), child.value(), close.value(), request);
  const std::string text = bundle.dump();
  const std::string file = seal_file(text, sign_text(text, keys->sign_secret), to.value().county, to.value().box_public);
  Exported out{child.value(), bundle["child"]["fields"].value("name", ""), to.value().county, to.value().name,
               sha256_hex(file), bundle["events"].size()};
  if (auto written = write(file); !written) return written;
  // Who exported which child to where (the full ID number stays out of the audit).
  tx->audit_admin(request.now_iso, "transfer.export",
                  {{"child_id", out.child_id}, {"to_county", out.to_county}, {"to_name", out.to_county_name},
                   {"sha256", out.sha256}, {"events", out.events}, {"by", request.by}});
  tx->commit();
  return out;
}

Result<Imported> import_file(CentralStore& store, std::string_view file, const ImportRequest& request) {
  const ServerIdentity me = store.identity();
  auto place = destination(request, me.county);
  if (!place) return place.status();
  const Village& village = *place.value();
  auto tx = store.begin();
  auto keys = tx->county_keys();
  if (!keys) return no_keys();
  auto opened = open_file(file, *keys, me.county);
  if (!opened) return opened.status();
  // The signature is checked first, against the key recorded for the county the bundle names: nothing in an
  // unverified bundle is acted on. The county it names is read from the text just enough to find that key.
  auto claimed = parse_untrusted_json(opened.value().bundle_text, "bundle");
  if (!claimed) return claimed.status();
  const json& c = claimed.value();
  const std::string from = c.is_object() && c.contains("from_county") && c["from_county"].is_object()
                               ? c["from_county"].value("code", "")
                               : std::string();
  auto trusted = tx->trusted_county(from);
  if (!trusted)
    return Status::refused(trf("发送的县 {} 不在本县的信任名单中：先核对并用 county-key trust 记录该县的公钥",
                               "the sending county {} is not trusted here: check and record its public keys with "
                               "county-key trust first", from.empty() ? "?" : from));
  if (c["from_county"].value("sign_key", "") != trusted->sign_public)
    return Status::refused(trf("文件所带的 {} 签名公钥与本县记录的不符：不接收", "the signing key the file carries for {} "
                               "is not the one recorded here: refused", from));
  const auto signature = from_base64(opened.value().signature, crypto_sign_BYTES);
  const auto sign_public = from_base64(trusted->sign_public, crypto_sign_PUBLICKEYBYTES);
  const std::string& text = opened.value().bundle_text;
  if (!signature || !sign_public ||
      crypto_sign_verify_detached(bytes(*signature), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                                  bytes(*sign_public)) != 0)
    return Status::refused(trf("签名不符：文件在 {} 签名后被改动过，不接收", "the signature does not match: the file "
                               "was changed after {} signed it; refused", trusted->name));
  auto read = read_bundle(text);
  if (!read) return read.status();
  const Bundle& b = read.value();
  const std::string to_county = b.whole.value("to_county", json::object()).value("code", "");
  if (to_county != me.county)
    return Status::refused(trf("这份档案是移交给 {} 的，不是本县", "this file was handed to {}, not to this county",
                               to_county));
  const std::string sha = sha256_hex(file);
  Imported out{b.child_id, b.child_fields.value("name", ""), village.code.substr(0, 9), village.code,
               b.from_county, b.from_county_name, sha, 0, false};

  if (tx->locate("child", b.child_id)) {
    // The same file again (this bundle or another export of it): every event is here already, so nothing is added.
    std::set<std::string> known;
    for (const Event& e : tx->child_events(b.child_id, "")) known.insert(e.id);
    for (const Event& e : b.events)
      if (!known.contains(e.id))
        return Status::conflict(trf("档案 {} 已在本县，转移文件带来新的事件：不会自动合并，请手工补录",
                                    "file {} is already in this county and the transfer file brings new events: they "
                                    "are not merged automatically; add them by hand", b.child_id));
    out.already_imported = true;
    return out;
  }
  const Date today = Date::parse(request.now_iso.substr(0, 10)).value_or(Date{});
  auto fields = arriving_fields(b, village, today);
  if (!fields) return fields.status();
  if (auto free = check_number_free(*tx, fields.value(), b.child_id); !free) return free;

  // The import's stamp follows every stamp of the file, so its place and its opening come after the history.
  Hlc stamp = tx->clock();
  for (const Event& e : b.events)
    if (auto hlc = Hlc::parse(e.hlc)) stamp = hlc_receive(stamp, *hlc, request.now_ms);
  stamp = hlc_tick(stamp, request.now_ms);
  tx->set_clock(stamp);
  Event import;
  import.id = name_based_record_id("file.import/" + b.child_id + "/" + sha);
  import.child_id = b.child_id;
  import.township = out.township;
  import.kind = std::string(file_merge::kImportKind);
  import.payload = {{"from_county", b.from_county}, {"from_county_name", b.from_county_name},
                    {"from_centre", b.from_centre}, {"bundle_sha256", sha}, {"to_township", out.township},
                    {"to_village", out.village}, {"exported_at", b.whole.value("exported_at", "")},
                    {"exported_by", b.whole.value("exported_by", "")},
                    {"destination", b.whole.value("moved_out", json::object()).value("destination", "")}};
  import.occurred_on = today.to_string();
  import.hlc = stamp.to_string();
  import.actor = request.by;
  import.actor_role = std::string(to_string(Role::County));
  import.station_id = me.server_id;
  import.recorded_at = request.now_iso;

  const FieldRegister reg{1, import.hlc, me.server_id, request.by, import.id};
  json child_fields = fields.value();
  child_fields["created_by"] = b.whole["child"].value("created_by", request.by);
  write_record(*tx, "child", b.child_id, child_fields, reg, request.now_iso);
  for (const auto& [id, raw] : b.relatives) {
    json relative = json::object();
    if (raw.is_object())
      for (const auto& [name, value] : raw.items())
        if (!value.is_null()) relative[name] = value;
    relative["child_id"] = b.child_id;
    if (!looks_like_uuid(id)) return malformed(tr("家庭成员编号不正确", "a relative's id is wrong"));
    if (auto valid = check_stored_fields("relative", relative, true); !valid) return valid;
    write_record(*tx, "relative", id, relative, reg, request.now_iso);
  }
  for (const Event& e : b.events) out.events_added += tx->apply_event(e) ? 1 : 0;
  tx->apply_event(import);
  // The township's stations get the whole file with its history on their next pull, as after a transfer.
  send_whole_file(*tx, out.township, b.child_id);
  // Another file here with the number (a closed one: an open one refused the import above) makes the arrival a
  // duplicate candidate, as a pushed new child would be, so the county sees it in its review.
  if (const json number = fields.value().value("id_number", json()); number.is_string())
    join_duplicate_group(*tx, {out.township, out.village, b.child_id}, number.get<std::string>(), request.now_ms,
                         request.now_iso);
  tx->audit_admin(request.now_iso, "transfer.import",
                  {{"child_id", b.child_id}, {"from_county", b.from_county}, {"from_name", b.from_county_name},
                   {"sha256", sha}, {"township", out.township}, {"village", out.village},
                   {"events", out.events_added}, {"by", request.by}});
  tx->commit();
  return out;
}

}  // namespace tongdang::sync::county_transfer

// tongdang-server county-key init | show | trust | list, transfer export | import: the county officer's side of a
// child leaving the county and arriving in another. Parse, call sync/server/county_transfer.h, print; the file
// itself is written here (0600, atomically, never over a file unless --force), as the edge that owns the disk.
#include "county_commands.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/base/date.h"
#include "core/base/i18n.h"
#include "core/model/division.h"
#include "sync/server/county_transfer.h"
#include "sync/server/sqlite/sqlite_central_store.h"
#include "sync/server/tuning.h"

namespace tongdang::server_cli {

using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using nlohmann::json;
namespace transfer = sync::county_transfer;

namespace {

using Check = std::function<void(const Status&)>;

std::unique_ptr<sync::CentralStore> open_store(const std::string& path, const Check& check) {
  auto store = sync::open_sqlite_store(path);
  check(store.status());
  return std::move(store).value();
}

template <typename T>
T take(Result<T> result, const Check& check) {
  check(result.status());
  return std::move(result).value();
}

// Who runs the command, for the bundle and the audit: --by, or the system user.
std::string officer(const std::string& by) {
  if (!by.empty()) return by;
  const passwd* user = ::getpwuid(::geteuid());
  return user && user->pw_name ? user->pw_name : std::to_string(::geteuid());
}

// Writes `bytes` to `path` owner-readable only (0600), whole or not at all: into a temporary file beside it, then
// linked into place (which fails if `path` exists) or, with `force`, renamed over it.
Status write_private_file(const std::string& path, const std::string& bytes, bool force) {
  std::string temporary = path + ".XXXXXX";
  const int fd = ::mkstemp(temporary.data());  // created 0600
  const auto failed = [&](int error) {
    ::unlink(temporary.c_str());
    return Status::internal(trf("无法写入 {}（{}）", "cannot write {} ({})", path, std::strerror(error)));
  };
  if (fd < 0) return Status::internal(trf("无法写入 {}（{}）", "cannot write {} ({})", path, std::strerror(errno)));
  const bool written = ::fchmod(fd, S_IRUSR | S_IWUSR) == 0 &&
                       ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) &&
                       ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!written) return failed(error);
  if (force) {
    if (::rename(temporary.c_str(), path.c_str()) != 0) return failed(errno);
    return Status::ok();
  }
  if (::link(temporary.c_str(), path.c_str()) != 0) {
    const int link_error = errno;
    ::unlink(temporary.c_str());
    if (link_error == EEXIST)
      return Status::refused(trf("{} 已存在；不会覆盖（要覆盖请加 --force）", "{} already exists; it is not overwritten "
                                 "(add --force to replace it)", path));
    return Status::internal(trf("无法写入 {}（{}）", "cannot write {} ({})", path, std::strerror(link_error)));
  }
  ::unlink(temporary.c_str());
  return Status::ok();
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::not_found(trf("找不到文件 {}", "no file {}", path));
  std::ostringstream bytes;
  // One byte past the cap is enough to refuse a file too large to be a bundle, without reading it all.
  std::string chunk(64 * 1024, '\0');
  std::size_t total = 0;
  while (file && total <= tuning::kMaxBundleBytes) {
    file.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    bytes.write(chunk.data(), file.gcount());
    total += static_cast<std::size_t>(file.gcount());
  }
  return bytes.str();
}

void add_county_key(CLI::App& app, const std::string& db_path, const bool& as_json, const Check& check) {
  auto* key = app.add_subcommand("county-key", tr("本县的密钥与信任的外县（移交档案用）",
                                                  "this county's keys and the counties it trusts (handing files over)"));
  key->require_subcommand(1);

  auto replace = std::make_shared<bool>(false);
  auto* init = key->add_subcommand("init", tr("生成本县的签名密钥对和加密密钥对", "make this county's signing and box keypairs"));
  init->add_flag("--replace", *replace,
                 tr("换掉已有的密钥（用旧公钥封装的文件将打不开；各县须重新记录）",
                    "replace existing keys (files sealed to the old key can no longer be opened; other counties must "
                    "record the new ones)"));
  init->callback([&db_path, &as_json, check, replace] {
    auto store = open_store(db_path, check);
    auto keys = take(transfer::init_keys(*store, *replace, process_clock().now_iso()), check);
    const std::string print = transfer::fingerprint(keys.sign_public, keys.box_public);
    if (as_json) std::cout << json{{"fingerprint", print}}.dump() << "\n";
    else
      std::cout << trf("已生成本县密钥，指纹 {}；用 county-key show 查看公钥并交给外县\n",
                       "made this county's keys, fingerprint {}; county-key show prints the public keys to give to "
                       "other counties\n", print);
  });

  auto* show = key->add_subcommand("show", tr("显示本县的公钥和指纹（从不显示私钥）",
                                              "print this county's public keys and fingerprint (never the secret keys)"));
  show->callback([&db_path, &as_json, check] {
    auto keys = take(transfer::public_keys(*open_store(db_path, check)), check);
    if (as_json) {
      std::cout << json{{"county", keys.county}, {"name", keys.name}, {"centre", keys.centre},
                        {"sign_key", keys.sign_public}, {"box_key", keys.box_public},
                        {"fingerprint", keys.fingerprint}}.dump(2) << "\n";
      return;
    }
    std::cout << trf("县：{} {}（{}）\n签名公钥（--sign-key）：{}\n加密公钥（--box-key）：{}\n指纹（电话核对）：{}\n",
                     "county: {} {} ({})\nsigning key (--sign-key): {}\nbox key (--box-key): {}\nfingerprint (read "
                     "it over the phone): {}\n",
                     keys.county, keys.name, keys.centre, keys.sign_public, keys.box_public, keys.fingerprint);
  });

  struct TrustArgs {
    std::string county, sign_key, box_key;
  };
  auto args = std::make_shared<TrustArgs>();
  auto* trust = key->add_subcommand("trust", tr("记录外县的公钥（先电话核对指纹）",
                                                "record another county's public keys (check the fingerprint by phone first)"));
  trust->add_option("--county", args->county, tr("外县的 6 位县级代码，如 320322", "the county's 6-digit code, e.g. 320322"))
      ->required();
  trust->add_option("--sign-key", args->sign_key, tr("外县的签名公钥（base64）", "its signing public key (base64)"))->required();
  trust->add_option("--box-key", args->box_key, tr("外县的加密公钥（base64）", "its box public key (base64)"))->required();
  trust->callback([&db_path, &as_json, check, args] {
    auto store = open_store(db_path, check);
    auto trusted = take(transfer::trust_county(*store, args->county, args->sign_key, args->box_key,
                                               process_clock().now_iso()), check);
    const std::string print = transfer::fingerprint(trusted.sign_public, trusted.box_public);
    if (as_json) std::cout << json{{"county", trusted.county}, {"name", trusted.name}, {"fingerprint", print}}.dump() << "\n";
    else
      std::cout << trf("已信任 {} {}，指纹 {}（请与对方电话核对）\n", "trusted {} {}, fingerprint {} (check it with them "
                       "by phone)\n", trusted.county, trusted.name, print);
  });

  auto* list = key->add_subcommand("list", tr("列出信任的外县", "list the counties trusted"));
  list->callback([&db_path, &as_json, check] {
    json out = json::array();
    for (const auto& c : transfer::trusted_counties(*open_store(db_path, check)))
      out.push_back({{"county", c.county}, {"name", c.name}, {"sign_key", c.sign_public}, {"box_key", c.box_public},
                     {"fingerprint", transfer::fingerprint(c.sign_public, c.box_public)}, {"trusted_at", c.trusted_at}});
    if (as_json) {
      std::cout << out.dump(2) << "\n";
      return;
    }
    if (out.empty()) std::cout << tr("还没有信任的外县\n", "no county trusted yet\n");
    for (const auto& c : out)
      std::cout << fmt::format("{}  {}  {}  {}\n", c["county"].get<std::string>(), c["name"].get<std::string>(),
                               c["fingerprint"].get<std::string>(), c["trusted_at"].get<std::string>());
  });
}

void add_transfer(CLI::App& app, const std::string& db_path, const bool& as_json, const Check& check) {
  auto* transfer_cmd = app.add_subcommand("transfer", tr("把迁出本县的档案移交外县，或接收外县移交的档案",
                                                         "hand a file that left the county to another, or take one in"));
  transfer_cmd->require_subcommand(1);

  struct ExportArgs {
    std::string child, to_county, out, by;
    bool force = false;
  };
  auto e = std::make_shared<ExportArgs>();
  auto* export_cmd = transfer_cmd->add_subcommand(
      "export", tr("为已“迁出本县”的档案写出签名并加密的移交文件", "write the signed, sealed bundle of a file moved out of the county"));
  export_cmd->add_option("child", e->child, tr("档案编号或完整身份证号", "the file's id or the full ID number"))->required();
  export_cmd->add_option("--to-county", e->to_county, tr("接收的县（已信任）：代码或名称", "the receiving (trusted) county: code or name"))
      ->required();
  export_cmd->add_option("--out", e->out, tr("写入的文件（权限 0600）", "the file to write (mode 0600)"))->required();
  export_cmd->add_flag("--force", e->force, tr("覆盖已有的文件", "replace an existing file"));
  export_cmd->add_option("--by", e->by, tr("经办人（默认系统用户名）", "who hands it over (default: the system user)"));
  export_cmd->callback([&db_path, &as_json, check, e] {
    auto store = open_store(db_path, check);
    transfer::ExportRequest request{e->child, e->to_county, officer(e->by), process_clock().now_iso()};
    auto done = take(transfer::export_file(*store, request, [&](const std::string& bytes) {
                       return write_private_file(e->out, bytes, e->force);
                     }), check);
    if (as_json) {
      std::cout << json{{"child_id", done.child_id}, {"to_county", done.to_county}, {"sha256", done.sha256},
                        {"events", done.events}, {"out", e->out}}.dump() << "\n";
      return;
    }
    std::cout << trf("已写出 {} 的移交文件 {}（给 {} {}，{} 条事件）\nSHA-256：{}\n请把文件安全送达对方，并电话核对 SHA-256\n",
                     "wrote the bundle of {} to {} (for {} {}, {} events)\nSHA-256: {}\nsend the file safely and read "
                     "the SHA-256 to them over the phone\n",
                     done.child_name, e->out, done.to_county, done.to_county_name, done.events, done.sha256);
  });

  struct ImportArgs {
    std::string file, village, township, by;
  };
  auto i = std::make_shared<ImportArgs>();
  auto* import_cmd = transfer_cmd->add_subcommand("import", tr("接收外县移交的档案", "take in a file another county handed over"));
  import_cmd->add_option("file", i->file, tr("移交文件", "the bundle file"))->required();
  import_cmd->add_option("--village", i->village, tr("落户的村(居)：12 位代码，或名称（同时给 --township）",
                                                     "the village it arrives in: 12-digit code, or a name (with --township)"))
      ->required();
  import_cmd->add_option("--township", i->township, tr("乡镇：9 位代码或名称（按名称找村时）",
                                                       "the township: 9-digit code or name (for a village by name)"));
  import_cmd->add_option("--by", i->by, tr("经办人（默认系统用户名）", "who takes it in (default: the system user)"));
  import_cmd->callback([&db_path, &as_json, check, i] {
    const std::string bytes = take(read_file(i->file), check);
    auto store = open_store(db_path, check);
    const Clock& clock = process_clock();
    transfer::ImportRequest request{i->village, i->township, officer(i->by), clock.now_ms(), clock.now_iso()};
    auto done = take(transfer::import_file(*store, bytes, request), check);
    if (as_json) {
      std::cout << json{{"child_id", done.child_id}, {"township", done.township}, {"village", done.village},
                        {"from_county", done.from_county}, {"sha256", done.sha256}, {"events", done.events_added},
                        {"already_imported", done.already_imported}}.dump() << "\n";
      return;
    }
    if (done.already_imported) {
      std::cout << trf("档案 {}（{}）已接收过，没有新增任何内容\n", "file {} ({}) was taken in before; nothing was added\n",
                       done.child_name, done.child_id);
      return;
    }
    std::cout << trf("已接收从{}转入的档案 {}（{}），落户 {}，{} 条事件；乡镇站点下次同步时收到\nSHA-256：{}\n",
                     "took in the file of {1} ({2}) from {0}, in {3}, {4} events; the township's stations get it at "
                     "their next sync\nSHA-256: {5}\n",
                     done.from_county_name, done.child_name, done.child_id, division_label(done.village),
                     done.events_added, done.sha256);
  });
}

}  // namespace

void register_county_commands(CLI::App& app, const std::string& db_path, const bool& as_json, const Check& check) {
  add_county_key(app, db_path, as_json, check);
  add_transfer(app, db_path, as_json, check);
}

}  // namespace tongdang::server_cli

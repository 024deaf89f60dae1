// A file leaving the county and arriving in another (docs/design.md "Leaving the county"): this county's keys, the
// counties it trusts, and the transfer bundle — exported by the county a child left (only for a file closed as
// moved out of the county), imported by the county the child arrived in. No network: the officer carries the file.
//
// The bundle file, three layers (the format is durable; kBundleFormatVersion names it):
//   file    JSON {"format": "tongdang.transfer-bundle", "version": 1, "to_county": "320322",
//                 "sealed": base64(crypto_box_seal(inner, the receiving county's X25519 public key))}
//   inner   JSON {"bundle": "<the bundle's JSON text>", "signature": base64(crypto_sign_detached(that text,
//                 the sending county's Ed25519 secret key))}
//   bundle  JSON {"format", "version", "exported_at", "exported_by",
//                 "from_county": {"code", "name", "centre", "sign_key"}, "to_county": {"code", "name"},
//                 "child": {"id", "fields" (every profile field, the full ID number among them), "created_by",
//                           "id_number_masked"},
//                 "relatives": [{"id", "fields"}], "events": [every event of the child, as on the wire: ids, authors,
//                 stamps], "memberships": [{"category", "from", "to"}], "care_measures": [the open ones],
//                 "moved_out": {"event_id", "destination", "on", "by"}}
// Only the receiving county can open the seal; the signature is checked against the key this county recorded for
// the sending county (county-key trust), never the key the bundle carries.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/status.h"
#include "sync/server/central_store.h"

namespace tongdang::sync::county_transfer {

inline constexpr std::string_view kBundleFormat = "tongdang.transfer-bundle";
inline constexpr int kBundleFormatVersion = 1;

// `county-key init`: makes this county's signing and box keypairs. Refused when keys exist, unless `replace`
// (bundles sealed to the old box key can then no longer be opened: the other counties must trust the new keys).
Result<CountyKeys> init_keys(CentralStore& store, bool replace, std::string_view now_iso);

// What `county-key show` prints: nothing secret.
struct PublicKeys {
  std::string county, name;  // the county's code and its name in the division table
  std::string centre;        // the server's name (睢宁县未保中心)
  std::string sign_public, box_public;
  std::string fingerprint;
};
Result<PublicKeys> public_keys(CentralStore& store);

// A short fingerprint of both public keys to read over the phone: the first 16 hex digits of their SHA-256, in
// groups of four (3f2a-91c0-…).
std::string fingerprint(std::string_view sign_public, std::string_view box_public);

// `county-key trust`: records another county's public keys (its 6-digit code or its name in the division table).
// Keys are checked for form (base64 of 32 bytes); a county already trusted is given the new keys (audited).
Result<TrustedCounty> trust_county(CentralStore& store, std::string_view county, std::string_view sign_public,
                                   std::string_view box_public, std::string_view now_iso);
std::vector<TrustedCounty> trusted_counties(CentralStore& store);

struct ExportRequest {
  std::string child;      // the child's record id, or its full ID number
  std::string to_county;  // a trusted county: code or name
  std::string by;         // who exports (the officer; recorded in the bundle and the audit)
  std::string now_iso;
};
struct Exported {
  std::string child_id, child_name;
  std::string to_county, to_county_name;
  std::string sha256;  // of the file written
  std::size_t events = 0;
};
// Builds the bundle of a file closed as moved out of the county, signs and seals it, and hands the file's bytes to
// `write` (the CLI writes them 0600). Audited (transfer.export: who, which child, to where, the file's SHA-256)
// only once `write` succeeded; nothing is recorded otherwise.
Result<Exported> export_file(CentralStore& store, const ExportRequest& request,
                             const std::function<Status(const std::string& bytes)>& write);

struct ImportRequest {
  std::string village;   // 12-digit code, or a name (then `township` is needed)
  std::string township;  // 9-digit code or name; only to find a village by name
  std::string by;
  std::int64_t now_ms = 0;
  std::string now_iso;
};
struct Imported {
  std::string child_id, child_name;
  std::string township, village;
  std::string from_county, from_county_name;
  std::string sha256;            // of the file imported
  std::size_t events_added = 0;  // the file's events, without the import's own
  bool already_imported = false; // the same file was imported before: nothing was written
};
// Opens a bundle sealed to this county, checks it was signed by the trusted key of the county it names, and, in
// one transaction, creates the file in `request.village` with every event under its own id, a file.import event
// (the sending county, the file's SHA-256) and the whole file in the township's change log for its stations.
// Refused, writing nothing: another county's bundle, an untrusted or mismatching sender, a changed bundle, a
// village outside this county, an ID number another open file of this county holds (named, to merge by hand).
Result<Imported> import_file(CentralStore& store, std::string_view file, const ImportRequest& request);

// The layers of the file, for tests and tools that need to build one by hand (e.g. a changed bundle).
std::string sign_text(std::string_view text, std::string_view sign_secret);
std::string seal_file(std::string_view bundle_text, std::string_view signature, std::string_view to_county,
                      std::string_view box_public);
// The bundle's JSON text and its signature, opened with this county's keys.
struct Opened {
  std::string bundle_text;
  std::string signature;
};
Result<Opened> open_file(std::string_view file, const CountyKeys& keys, std::string_view county);

}  // namespace tongdang::sync::county_transfer

#include "sync/protocol/protocol.h"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

#include "core/base/hlc.h"
#include "core/base/i18n.h"
#include "core/base/text_limits.h"
#include "core/base/tuning.h"
#include "core/base/untrusted_json.h"
#include "sync/protocol/messages.h"

namespace tongdang::sync {

using nlohmann::json;

namespace {

Result<std::string> string_member(const json& in, const char* key, bool required = true) {
  if (!in.contains(key) || in[key].is_null()) {
    if (required) return Status::invalid(key, "missing");
    return std::string();
  }
  if (!in[key].is_string()) return Status::invalid(key, "must be a string");
  return in[key].get<std::string>();
}

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(std::string_view data) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : data) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kBase64Url[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kBase64Url[(buffer << (6 - bits)) & 0x3F]);
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = std::find(kBase64Url, kBase64Url + 64, c);
    if (at == kBase64Url + 64) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(at - kBase64Url);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

// Whether a decoded cursor or position says it is version 1. (json::value("v", 0) throws when "v" is not a
// number, and a decoder's answer to a bad text is "malformed", never an exception: found by fuzzing.)
bool is_version_1(const json& in) {
  auto v = in.find("v");
  return v != in.end() && v->is_number_integer() && *v == 1;
}

}  // namespace

json WireChange::to_json() const {
  json out = {{"change_id", change_id}, {"entity", entity}, {"entity_id", entity_id}, {"op", op},
              {"hlc", hlc},             {"actor", actor},   {"actor_role", actor_role}};
  out["child_id"] = child_id.empty() ? json(nullptr) : json(child_id);
  if (op == "event") {
    out["event"] = event;
  } else {
    out["fields"] = fields;
    out["base"] = base;
  }
  return out;
}

Result<WireChange> WireChange::from_json(const json& in) {
  if (!in.is_object()) return Status::invalid("change", "must be an object");
  WireChange change;
  for (auto [key, target] : {std::pair{"change_id", &change.change_id}, std::pair{"entity", &change.entity},
                             std::pair{"entity_id", &change.entity_id}, std::pair{"op", &change.op},
                             std::pair{"hlc", &change.hlc}, std::pair{"actor", &change.actor},
                             std::pair{"actor_role", &change.actor_role}}) {
    auto value = string_member(in, key);
    if (!value) return value.status();
    *target = value.value();
  }
  auto child = string_member(in, "child_id", false);
  if (!child) return child.status();
  change.child_id = child.value();
  if (!Hlc::parse(change.hlc)) return Status::invalid("hlc", "not an HLC (PPPPPPPPPPPPPPP-CCCCC)");
  if (change.op == "event") {
    if (change.entity != "event") return Status::invalid("entity", "an event change must have entity 'event'");
    if (!in.contains("event") || !in["event"].is_object()) return Status::invalid("event", "missing");
    change.event = in["event"];
  } else if (change.op == "create" || change.op == "update") {
    if (change.entity != "child" && change.entity != "relative")
      return Status::invalid("entity", "must be child or relative");
    if (!in.contains("fields") || !in["fields"].is_object() || in["fields"].empty())
      return Status::invalid("fields", "missing or empty");
    change.fields = in["fields"];
    change.base = in.value("base", json::object());
    if (!change.base.is_object()) return Status::invalid("base", "must be an object");
    for (const auto& [name, version] : change.base.items())
      if (!version.is_number_integer()) return Status::invalid("base." + name, "must be an integer");
  } else {
    return Status::invalid("op", "must be create, update or event");
  }
  return change;
}

Status check_change_limits(const WireChange& change, std::size_t encoded_bytes) {
  if (encoded_bytes > static_cast<std::size_t>(tuning::kMaxChangeBytes))
    return Status::invalid("change", i18n::trf("变更过大：编码后 {} 字节，超过单条变更上限 {} 字节（常见原因：过长的文本，"
                                               "如姓名）；请核对该记录后重新录入",
                                               "the change is too large: {} bytes encoded, above the limit of {} "
                                               "bytes for one change (usually an overlong text such as a name); "
                                               "check the record and enter it again",
                                               encoded_bytes, tuning::kMaxChangeBytes));
  // The change's size bounds its event's: no second encoding to measure it.
  if (change.op == "event") return check_event_text(change.event, encoded_bytes);
  return Status::ok();
}

std::size_t encoded_size(const json& change) {
  return change.dump(-1, ' ', false, json::error_handler_t::replace).size();
}

std::string_view to_string(ChangeStatus status) {
  switch (status) {
    case ChangeStatus::Applied: return "applied";
    case ChangeStatus::Duplicate: return "duplicate";
    case ChangeStatus::Conflict: return "conflict";
    case ChangeStatus::Rejected: return "rejected";
  }
  return "rejected";
}

std::optional<ChangeStatus> parse_change_status(std::string_view text) {
  for (ChangeStatus s : {ChangeStatus::Applied, ChangeStatus::Duplicate, ChangeStatus::Conflict, ChangeStatus::Rejected})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

json ChangeResult::to_json() const {
  json out = {{"change_id", change_id}, {"status", to_string(status)}};
  if (!reason.empty()) {
    out["reason"] = reason.str();
    out["message"] = reason.to_json();
  }
  if (!state.empty()) out["state"] = state;
  if (!conflicts.empty()) out["conflicts"] = conflicts;
  return out;
}

Result<ChangeResult> ChangeResult::from_json(const json& in) {
  if (!in.is_object()) return Status::invalid("result", "must be an object");
  ChangeResult result;
  auto id = string_member(in, "change_id");
  if (!id) return id.status();
  result.change_id = id.value();
  auto status_text = string_member(in, "status");
  if (!status_text) return status_text.status();
  auto status = parse_change_status(status_text.value());
  if (!status) return Status::invalid("status", "unknown: " + status_text.value());
  result.status = *status;
  // The message when this station knows its code; else the text the server rendered.
  const json text = in.value("reason", json());
  result.reason = Message(text.is_string() ? text.get<std::string>() : std::string());
  if (auto message = Message::from_json(in.value("message", json()), messages::find)) result.reason = *message;
  result.state = in.value("state", json::object());
  if (in.contains("conflicts") && in["conflicts"].is_array())
    for (const auto& c : in["conflicts"]) result.conflicts.push_back(c.get<std::string>());
  return result;
}

std::int64_t Cursor::position(std::string_view township) const {
  for (const auto& [t, seq] : positions)
    if (t == township) return seq;
  return 0;
}

void Cursor::set(std::string_view township, std::int64_t seq) {
  for (auto& [t, s] : positions)
    if (t == township) {
      s = seq;
      return;
    }
  positions.emplace_back(std::string(township), seq);
  std::sort(positions.begin(), positions.end());
}

std::string Cursor::encode() const {
  json t = json::object();
  for (const auto& [township, seq] : positions) t[township] = seq;
  return base64url_encode(json{{"v", 1}, {"s", server_id}, {"t", t}}.dump());
}

Result<Cursor> Cursor::decode(std::string_view text) {
  Cursor cursor;
  if (text.empty()) return cursor;
  auto raw = base64url_decode(text);
  if (!raw) return Status::invalid("cursor", "malformed");
  auto decoded = parse_untrusted_json(*raw, "cursor");
  if (!decoded) return Status::invalid("cursor", "malformed");
  const json& parsed = decoded.value();
  if (!parsed.is_object() || !is_version_1(parsed) || !parsed.contains("t") ||
      !parsed["t"].is_object() || !parsed.contains("s") || !parsed["s"].is_string())
    return Status::invalid("cursor", "malformed");
  cursor.server_id = parsed["s"].get<std::string>();
  for (const auto& [township, seq] : parsed["t"].items()) {
    if (!seq.is_number_integer() || seq.get<std::int64_t>() < 0) return Status::invalid("cursor", "malformed");
    cursor.positions.emplace_back(township, seq.get<std::int64_t>());
  }
  std::sort(cursor.positions.begin(), cursor.positions.end());
  return cursor;
}

std::string SnapshotPosition::encode() const {
  return base64url_encode(json{{"v", 1}, {"s", server_id}, {"t", township}, {"q", seq}, {"a", after_child}}.dump());
}

Result<SnapshotPosition> SnapshotPosition::decode(std::string_view text) {
  auto raw = base64url_decode(text);
  if (!raw) return Status::invalid("position", "malformed");
  auto decoded = parse_untrusted_json(*raw, "position");
  if (!decoded) return Status::invalid("position", "malformed");
  const json& parsed = decoded.value();
  if (!parsed.is_object() || !is_version_1(parsed) || !parsed.contains("s") ||
      !parsed["s"].is_string() || !parsed.contains("t") || !parsed["t"].is_string() || !parsed.contains("q") ||
      !parsed["q"].is_number_integer() || parsed["q"].get<std::int64_t>() < 0 || !parsed.contains("a") ||
      !parsed["a"].is_string())
    return Status::invalid("position", "malformed");
  return SnapshotPosition{parsed["s"], parsed["t"], parsed["q"].get<std::int64_t>(), parsed["a"]};
}

std::string gzip_compress(std::string_view data, int level) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip header and trailer rather than a bare zlib stream.
  if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&stream, Z_FINISH);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
  out.resize(stream.total_out);
  return out;
}

Result<std::string> gzip_decompress(std::string_view data, std::size_t max_bytes) {
  z_stream stream{};
  // windowBits 15 + 32: accept gzip or zlib headers.
  if (inflateInit2(&stream, 15 + 32) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  std::string out;
  char buffer[64 * 1024];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&stream);
      return Status::invalid("body", "corrupt gzip data");
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&stream);
      return Status::invalid("body", "too large once inflated");
    }
    if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
      inflateEnd(&stream);
      return Status::invalid("body", "truncated gzip data");
    }
  }
  inflateEnd(&stream);
  return out;
}

}  // namespace tongdang::sync

#include "sync/server/http_body.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace tongdang::sync::http_listener {
namespace {

// Inflated bytes produced per zlib call: small enough to check the cap often, large enough to be cheap.
constexpr std::size_t kInflateChunkBytes = 64 * 1024;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

BodyEncoding body_encoding(std::string_view content_encoding) {
  while (!content_encoding.empty() && content_encoding.back() == ' ') content_encoding.remove_suffix(1);
  while (!content_encoding.empty() && content_encoding.front() == ' ') content_encoding.remove_prefix(1);
  if (content_encoding.empty() || iequals(content_encoding, "identity")) return {false, true, true};
  if (iequals(content_encoding, "gzip") || iequals(content_encoding, "x-gzip") || iequals(content_encoding, "deflate"))
    return {true, false, true};
  return {false, false, false};
}

BodyInflater::BodyInflater(bool inflate, bool sniff, std::size_t max_bytes)
    : inflate_(inflate), sniff_(sniff), max_bytes_(max_bytes) {}

BodyInflater::~BodyInflater() {
  if (zlib_) inflateEnd(zlib_.get());
}

BodyFault BodyInflater::append(std::string_view data, std::string& out) {
  if (data.empty()) return BodyFault::None;
  if (sniff_) {
    sniff_ = false;
    inflate_ = static_cast<unsigned char>(data[0]) == 0x1f;
  }
  if (inflate_) return inflate_into(data, out);
  if (data.size() > max_bytes_ - std::min(max_bytes_, out.size())) return BodyFault::TooLarge;
  out.append(data);
  return BodyFault::None;
}

BodyFault BodyInflater::inflate_into(std::string_view data, std::string& out) {
  if (ended_) return BodyFault::None;
  if (!zlib_) {
    zlib_ = std::make_unique<z_stream>();
    // windowBits 15 + 32: a gzip or a zlib header, as gzip_decompress accepts.
    if (inflateInit2(zlib_.get(), 15 + 32) != Z_OK) {
      zlib_.reset();
      throw std::runtime_error("inflateInit2 failed");
    }
  }
  z_stream& stream = *zlib_;
  char chunk[kInflateChunkBytes];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  while (stream.avail_in > 0) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    const int rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return BodyFault::Corrupt;
    const std::size_t produced = sizeof chunk - stream.avail_out;
    if (produced > max_bytes_ - std::min(max_bytes_, out.size())) return BodyFault::TooLarge;
    out.append(chunk, produced);
    if (rc == Z_STREAM_END) {
      ended_ = true;
      break;
    }
    if (rc == Z_BUF_ERROR && produced == 0) break;  // needs more input than this chunk holds
  }
  return BodyFault::None;
}

BodyFault BodyInflater::finish() {
  if (inflate_ && !ended_) return BodyFault::Corrupt;  // truncated, or never started
  return BodyFault::None;
}

}  // namespace tongdang::sync::http_listener

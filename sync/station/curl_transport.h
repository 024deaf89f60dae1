// The station's real transport: HTTPS via libcurl, one connection kept alive across calls, gzip both ways (libcurl
// inflates responses; request bodies are deflated here with zlib).
#pragma once

#include <memory>

#include "sync/protocol/transport.h"

namespace tongdang::sync {

// Call curl_global_init once at program start.
std::unique_ptr<Transport> make_curl_transport(const Endpoint& endpoint);

}  // namespace tongdang::sync

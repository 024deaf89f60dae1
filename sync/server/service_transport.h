// A station client's transport that calls a SyncService in the same process (no sockets): the in-process
// loopback that tests and benchmarks sync through, the way Couchbase Lite tests its replicator between two local
// databases. Lives with the server because it links it; the station program never does.
#pragma once

#include <memory>

#include "sync/protocol/transport.h"
#include "sync/server/server.h"

namespace tongdang::sync {

std::unique_ptr<Transport> make_service_transport(SyncService& service, const Endpoint& endpoint);

}  // namespace tongdang::sync

// The file that keeps a `tongdang login` session between commands (docs/security.md "Signing in"): beside the
// station database as `<db>.session`, readable and writable by its owner only (0600), holding the database's path,
// the signed-in user and the session's token. The database keeps only the token's hash (core/store/sign_in.h);
// whoever can read this file can act as that user until the session lapses, so a file that others could have read
// is refused, never used.
//
// Format (JSON, one object): {"db": "<absolute path of the database>", "user": "<name>", "token": "<64 hex>"}.
#pragma once

#include <optional>
#include <string>

#include "core/base/status.h"

namespace tongdang::cli {

struct SessionFile {
  std::string db;     // the database the session belongs to, as an absolute path
  std::string user;   // who signed in
  std::string token;  // the session's secret
};

// Where the session of the database at `db_path` is kept: `<db_path>.session`.
std::string session_file_path(const std::string& db_path);
// The absolute, normalised form of `db_path`, as the file records it.
std::string absolute_db_path(const std::string& db_path);

// Reads the session file at `path`: nullopt when there is none. Unauthenticated when it cannot be trusted: a link,
// not a regular file, owned by someone else, readable or writable by group or others, or not in the format above.
Result<std::optional<SessionFile>> read_session_file(const std::string& path);
// The token in the file at `path` whatever its permissions (for `tongdang logout`, which ends a session even when
// its file was exposed); nullopt when there is none or it cannot be parsed.
std::optional<SessionFile> read_session_file_for_logout(const std::string& path);
// Writes the file 0600, replacing any left before (written beside it, then renamed, so a reader never sees half).
Status write_session_file(const std::string& path, const SessionFile& session);
// Removes it; nothing happens when there is none.
void remove_session_file(const std::string& path);

}  // namespace tongdang::cli

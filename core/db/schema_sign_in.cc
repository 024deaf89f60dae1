// Migration 6: signing in (core/store/sign_in.h, docs/security.md "Signing in"). Users get a password hash (NULL for
// the users of an older station until one is set); sessions and failed attempts are kept so the web pages and the
// CLI share them. Neither table syncs: sign-in is the station's own business.
#include <string_view>

namespace tongdang::schema {

extern const std::string_view kSignInSchema;
const std::string_view kSignInSchema = R"sql(
-- argon2id, as crypto_pwhash_str writes it ("$argon2id$v=19$m=…,t=…,p=1$salt$hash"); NULL: none set yet.
ALTER TABLE users ADD COLUMN password_hash TEXT;

-- A signed-in person: the browser's cookie or the CLI's session file holds the token, this table its SHA-256.
CREATE TABLE sessions(
  token_hash   TEXT PRIMARY KEY,
  user         TEXT NOT NULL REFERENCES users(name),
  kind         TEXT NOT NULL CHECK (kind IN ('web', 'cli')),
  created_ms   INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_user ON sessions(user);

-- Failed sign-ins in a row, per name typed (known or not, so probing names costs the same as guessing passwords).
CREATE TABLE sign_in_failures(
  name        TEXT PRIMARY KEY,
  failures    INTEGER NOT NULL,
  last_ms     INTEGER NOT NULL
) STRICT;
)sql";

}  // namespace tongdang::schema

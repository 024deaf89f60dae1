// The sync layer is built by the sync area; this file keeps the library non-empty until then.
namespace tongdang::sync {}

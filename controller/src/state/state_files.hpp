#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "picket/controller/store.hpp"
#include "picket/gateway/key.hpp"

namespace picket::controller {

// Where picketd keeps its state and listens for the CLI, unless told otherwise.
inline constexpr const char* kDefaultStateDir = "/var/lib/picket";
inline constexpr const char* kDefaultSocket = "/run/picket/picket.sock";

// The state directory's files, named in one place so that the panic wipe
// and restore cannot miss one.
inline constexpr const char* kDatabaseFileName = "picket.db";
inline constexpr const char* kGatewayKeyFileName = "gateway.key";
// The next gateway key while a rotation is in progress (see rotate-key).
inline constexpr const char* kNextGatewayKeyFileName = "gateway.key.next";
// Locked mode's whole state, encrypted (see locked_state.hpp), and the
// temporary each seal writes before renaming it into place.
inline constexpr const char* kSealedStateFileName = "picket.sealed";
inline constexpr const char* kSealedStateTempFileName = "picket.sealed.new";
// Temporaries of `picket restore`, renamed into place at the end.
inline constexpr std::string_view kRestorePrefix = ".restore.";

// The files in `dir` that hold, or may hold, a secret or member data: the
// database with its -wal, -shm and -journal files, the gateway key, a
// rotation's next key, locked mode's sealed state and its temporary, and a
// restore's temporaries. Only those that exist.
std::vector<std::filesystem::path> secret_state_files(const std::filesystem::path& dir);

// Overwrites the whole file with random bytes, syncs it and unlinks it, so
// that an undelete tool finds noise. (On SSDs and copy-on-write file systems
// the old blocks may survive elsewhere; README, "What Picket stores".)
// Throws std::system_error naming the file.
void shred_file(const std::filesystem::path& file);

// Creates `file` (which must not exist) with mode 0600 holding `key` in
// base64 and a newline, synced. Throws std::system_error.
void write_key_file(const std::filesystem::path& file, const gateway::SecretKey& key);
gateway::SecretKey read_key_file(const std::filesystem::path& file);

// Makes a rename or unlink in `dir` durable.
void sync_directory(const std::filesystem::path& dir);

// A rotation writes gateway.key.next, commits the new public key to the
// database, then shreds gateway.key and renames the next key into its place
// (replace_gateway_key). After a crash in between, this finishes the job
// when the next key is the one the database names, or shreds the stale next
// key when the commit never happened. Call before reading gateway.key.
void finish_interrupted_rotation(const std::filesystem::path& dir, Store& store);
void replace_gateway_key(const std::filesystem::path& dir);

}  // namespace picket::controller

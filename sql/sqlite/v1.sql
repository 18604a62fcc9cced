-- spa client store, SQLite, schema version 1 (from an empty file).
-- Seeds are sealed (AES-256-GCM, iv||ct||tag, 60 bytes) under the server key;
-- key_id columns are HKDF of the seeds and safe in clear (spad's index).
CREATE TABLE schema_version (
	version INTEGER NOT NULL
);
CREATE TABLE clients (
	aid TEXT PRIMARY KEY NOT NULL CHECK (length(aid) BETWEEN 1 AND 32),
	users TEXT NOT NULL,
	ports TEXT NOT NULL,
	any_ip INTEGER NOT NULL DEFAULT 0,
	enabled INTEGER NOT NULL DEFAULT 1,
	verifier BLOB NOT NULL CHECK (length(verifier) = 32),
	seed BLOB NOT NULL CHECK (length(seed) = 60),
	key_id BLOB NOT NULL CHECK (length(key_id) = 16),
	prev_seed BLOB CHECK (prev_seed IS NULL OR length(prev_seed) = 60),
	prev_key_id BLOB CHECK (prev_key_id IS NULL OR length(prev_key_id) = 16),
	counter INTEGER NOT NULL DEFAULT 0 CHECK (counter >= 0),
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL,
	last_seen INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE grants (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	aid TEXT NOT NULL,
	ip BLOB NOT NULL CHECK (length(ip) = 16),
	source_port INTEGER NOT NULL,
	port INTEGER NOT NULL,
	protocol INTEGER NOT NULL,
	created INTEGER NOT NULL,
	expires INTEGER NOT NULL,
	gateway TEXT NOT NULL DEFAULT ''
);
CREATE INDEX grants_expires ON grants (expires);
CREATE TABLE audit (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	time INTEGER NOT NULL,
	aid TEXT NOT NULL,
	src_ip BLOB NOT NULL,
	ip BLOB NOT NULL,
	port INTEGER NOT NULL,
	source_port INTEGER NOT NULL,
	protocol INTEGER NOT NULL,
	counter INTEGER NOT NULL,
	rotated INTEGER NOT NULL
);
INSERT INTO schema_version (version) VALUES (1);

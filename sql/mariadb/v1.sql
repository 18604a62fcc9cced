-- spa client store, MariaDB, schema version 1 (from an empty database).
-- Seeds are sealed (AES-256-GCM, iv||ct||tag, 60 bytes) under the server key;
-- key_id columns are HKDF of the seeds and safe in clear (spad's index).
-- InnoDB for row locks and transactions (the knock update is one transaction).
CREATE TABLE schema_version (
	version INT NOT NULL
) ENGINE=InnoDB;
CREATE TABLE clients (
	aid VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
	users VARCHAR(255) NOT NULL,
	ports VARCHAR(320) CHARACTER SET ascii NOT NULL,
	any_ip TINYINT NOT NULL DEFAULT 0,
	enabled TINYINT NOT NULL DEFAULT 1,
	verifier BINARY(32) NOT NULL,
	seed VARBINARY(60) NOT NULL,
	key_id BINARY(16) NOT NULL,
	prev_seed VARBINARY(60) NULL,
	prev_key_id BINARY(16) NULL,
	counter BIGINT UNSIGNED NOT NULL DEFAULT 0,
	created BIGINT NOT NULL,
	updated BIGINT NOT NULL,
	last_seen BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB;
CREATE TABLE grants (
	id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	aid VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	ip BINARY(16) NOT NULL,
	source_port INT NOT NULL,
	port INT NOT NULL,
	protocol INT NOT NULL,
	created BIGINT NOT NULL,
	expires BIGINT NOT NULL,
	gateway VARCHAR(63) NOT NULL DEFAULT '',
	INDEX grants_expires (expires)
) ENGINE=InnoDB;
CREATE TABLE audit (
	id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	time BIGINT NOT NULL,
	aid VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	src_ip BINARY(16) NOT NULL,
	ip BINARY(16) NOT NULL,
	port INT NOT NULL,
	source_port INT NOT NULL,
	protocol INT NOT NULL,
	counter BIGINT UNSIGNED NOT NULL,
	rotated TINYINT NOT NULL
) ENGINE=InnoDB;
INSERT INTO schema_version (version) VALUES (1);

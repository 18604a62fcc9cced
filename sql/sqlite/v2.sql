-- spa client store, SQLite, migration 1 -> 2: audit rows name the gateway
-- that accepted the knock (several gateways share one store), and are
-- looked up per client, newest first (spa-admin show).
ALTER TABLE audit ADD COLUMN gateway TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_aid_time ON audit (aid, time);
UPDATE schema_version SET version = 2;

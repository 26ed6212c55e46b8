namespace Ppml.Kms.Server.Storage;

/// <summary>The SQLite schema of the KMS server store (docs/kms.md, "Storage"). Times are Unix milliseconds.</summary>
internal static class StoreSchema
{
    public const string Format = "ppml-kms-server/1";

    /// <summary>
    /// Columns added to <c>keys</c> after the first release: a store created before them gets them (NULL, read as an
    /// empty list) when a server opens it. The format name is unchanged; older servers ignore the columns.
    /// </summary>
    public static readonly IReadOnlyList<(string Column, string Definition)> AddedKeyColumns = [("producers", "TEXT NULL"), ("readers", "TEXT NULL")];

    public const string Create = """
        CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS keys (
            name TEXT PRIMARY KEY,
            created_at INTEGER NOT NULL,
            disabled_at INTEGER NULL,
            allowed_apps TEXT NOT NULL,
            release_policy TEXT NULL,
            producers TEXT NULL,
            readers TEXT NULL);
        CREATE TABLE IF NOT EXISTS key_versions (
            name TEXT NOT NULL REFERENCES keys(name),
            version INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            material BLOB NOT NULL,
            PRIMARY KEY (name, version));
        CREATE TABLE IF NOT EXISTS apps (
            id TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            key_id TEXT NOT NULL UNIQUE,
            secret_sha256 BLOB NOT NULL,
            created_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS policies (
            id TEXT PRIMARY KEY,
            description TEXT NULL,
            document TEXT NOT NULL,
            version INTEGER NOT NULL,
            updated_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS signing_keys (
            kid TEXT PRIMARY KEY,
            created_at INTEGER NOT NULL,
            material BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS audit (
            seq INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            app TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            result TEXT NOT NULL,
            hash BLOB NOT NULL);
        CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        """;
}

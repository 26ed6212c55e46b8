using Microsoft.Data.Sqlite;
using Ppml.Kms.Remote;

namespace Ppml.Kms.Server.Storage;

/// <summary>Reading and verifying the audit log (on a separate read-only connection).</summary>
internal sealed partial class KmsStore
{
    public IReadOnlyList<AuditRecord> ReadAudit(long after, int limit)
    {
        using SqliteConnection connection = OpenConnection(_databasePath, readOnly: true);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT seq, at, app, action, target, result, hash FROM audit WHERE seq > $after ORDER BY seq LIMIT $limit";
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$limit", limit);
        using SqliteDataReader reader = command.ExecuteReader();
        var records = new List<AuditRecord>();
        while (reader.Read())
        {
            records.Add(new AuditRecord
            {
                Sequence = reader.GetInt64(0),
                At = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                Application = reader.GetString(2),
                Action = reader.GetString(3),
                Target = reader.GetString(4),
                Result = reader.GetString(5),
                Hash = Convert.ToHexStringLower((byte[])reader.GetValue(6)),
            });
        }

        return records;
    }

    /// <summary>Recomputes the whole hash chain.</summary>
    /// <returns>The number of records, and the first sequence number whose hash does not match (or null).</returns>
    public (long Count, long? FirstBroken) VerifyAudit()
    {
        using SqliteConnection connection = OpenConnection(_databasePath, readOnly: true);
        return VerifyAudit(connection);
    }

    internal static (long Count, long? FirstBroken) VerifyAudit(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT seq, at, app, action, target, result, hash FROM audit ORDER BY seq";
        using SqliteDataReader reader = command.ExecuteReader();
        byte[] head = AuditChain.Genesis;
        long expected = 0;
        while (reader.Read())
        {
            expected++;
            long sequence = reader.GetInt64(0);
            byte[] computed = AuditChain.Next(head, sequence, reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5));
            if (sequence != expected || !computed.AsSpan().SequenceEqual((byte[])reader.GetValue(6)))
            {
                return (expected, sequence);
            }

            head = computed;
        }

        return (expected, null);
    }
}

using Npgsql;

namespace Onboarding.IntegrationTests.Fuzzing;

/// <summary>
/// The fuzzer's own database, migrated like any other, with a trigger on every table that records each row inserted,
/// updated or deleted, and when, in the writer's own transaction: a write that was rolled back leaves no record, so a
/// refused request during which none was made committed nothing. Other tests share the server, never this database.
/// </summary>
public sealed class WriteLog : IAsyncDisposable
{
    private readonly NpgsqlDataSource _database;
    private readonly string _server;

    private WriteLog(string server, string database)
    {
        _server = server;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        _database = NpgsqlDataSource.Create(ConnectionString);
    }

    public string ConnectionString { get; }

    public static async Task<WriteLog> CreateAsync(string serverConnectionString, CancellationToken cancellationToken)
    {
        var log = new WriteLog(serverConnectionString, "fuzz_" + Guid.NewGuid().ToString("N")[..12]);
        await Onboarding.Data.Extensions.MigrateOnboardingDatabaseAsync(log.ConnectionString, cancellationToken);
        await using var command = log._database.CreateCommand("""
            CREATE TABLE fuzz_writes (
              id bigserial PRIMARY KEY, table_name text NOT NULL, operation text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE FUNCTION fuzz_record() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO fuzz_writes (table_name, operation) VALUES (TG_TABLE_NAME, TG_OP);
              RETURN NULL;
            END $$;
            DO $$
            DECLARE t text;
            BEGIN
              FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('fuzz_writes', '__EFMigrationsHistory') LOOP
                EXECUTE format('CREATE TRIGGER fuzz_record AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION fuzz_record()', t);
              END LOOP;
            END $$;
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return log;
    }

    /// <summary>The newest committed write's number.</summary>
    public async Task<long> LastAsync(CancellationToken cancellationToken)
    {
        await using var command = _database.CreateCommand("SELECT coalesce(max(id), 0) FROM fuzz_writes");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Each write after <paramref name="mark"/>: its number, what it wrote ("users INSERT") and when (this machine's clock).</summary>
    public async Task<List<(long Id, string What, DateTime At)>> SinceAsync(long mark, CancellationToken cancellationToken)
    {
        await using var command = _database.CreateCommand("SELECT id, table_name || ' ' || operation, at FROM fuzz_writes WHERE id > $1 ORDER BY id");
        command.Parameters.AddWithValue(mark);
        var writes = new List<(long, string, DateTime)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            writes.Add((reader.GetInt64(0), reader.GetString(1), reader.GetDateTime(2)));
        }

        return writes;
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        await using var server = NpgsqlDataSource.Create(_server);
        await using var drop = server.CreateCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(ConnectionString).Database}\" WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
    }
}

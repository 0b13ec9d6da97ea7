using Npgsql;

namespace Onboarding.IntegrationTests.Infrastructure;

/// <summary>
/// A change a test makes to the shared database to provoke a case (a trigger that refuses or slows a write), undone
/// when disposed so the tests after it meet the schema as migrated.
/// </summary>
public sealed class SchemaChange : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly string _undo;

    private SchemaChange(string connectionString, string undo) => (_connectionString, _undo) = (connectionString, undo);

    public static async Task<SchemaChange> ApplyAsync(OnboardingApiFactory factory, string sql, string undo)
    {
        var change = new SchemaChange(factory.Infrastructure.PostgresConnectionString, undo);
        await change.ExecuteAsync(sql);
        return change;
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync(_undo);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}

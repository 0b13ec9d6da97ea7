using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Onboarding.Data.Infrastructure;
using Onboarding.Data.Model;
using Onboarding.Data.Security;
using Onboarding.IntegrationTests.Infrastructure;
using Onboarding.Testing;
using Onboarding.Worker.Email;

namespace Onboarding.IntegrationTests.Worker;

/// <summary>
/// What the outbox tests share. Other tests share the database, so these rows live in 2001 (the senders' clocks say so
/// too): the Api's rows, dated now, are never due for these senders, and each test deletes its claims (and so its rows)
/// when done. The outbox's test classes are one collection, whose tests run one at a time, so their rows do not meet either.
/// </summary>
public abstract class EmailOutboxTestBase(OnboardingApiFactory factory) : IAsyncDisposable
{
    protected const string ResendKey = "re_test_0123456789";
    protected static readonly DateTimeOffset Start = new(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);

    private readonly List<string> _claims = [];
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(factory.Infrastructure.PostgresConnectionString);

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected LinkSealer Sealer => LinkSealer.FromBase64Key(Factory.Infrastructure.SigningKey);

    protected OnboardingApiFactory Factory => factory;

    protected async Task<string> OpenSessionAsync() => (await new SessionsClient(Factory.CreateClient()).OpenAsync()).Id;

    /// <summary>A claim and its outbox row, written the way the Api writes them.</summary>
    protected async Task<(string ClaimId, string Link)> AddClaimEmailAsync(
        string to,
        string slug,
        string? sessionId = null,
        DateTimeOffset? supersededAt = null,
        DateTimeOffset? confirmedAt = null,
        DateTimeOffset? expiresAt = null,
        LinkSealer? sealer = null,
        bool notify = false)
    {
        sessionId ??= await OpenSessionAsync();
        var claimId = Ids.NewClaimId();
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var link = $"{OnboardingApiFactory.PublicWebUrl}/onboarding/claim/{claimId}?t={token}";
        _claims.Add(claimId);

        await using var db = CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(Cancel);
        db.Claims.Add(new Claim
        {
            Id = claimId,
            SessionId = sessionId,
            Email = to.ToLowerInvariant(),
            OrgSlug = slug,
            TokenHash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)),
            CreatedAt = Start,
            ExpiresAt = expiresAt ?? Start.AddHours(1),
            SupersededAt = supersededAt,
            ConfirmedAt = confirmedAt,
        });
        var email = new OutboxEmail
        {
            ClaimId = claimId,
            To = to,
            IdempotencyKey = $"claim/{claimId}",
            SealedLink = (sealer ?? Sealer).Seal(link, claimId),
            CreatedAt = Start,
            NextAttemptAt = Start,
        };
        db.OutboxEmails.Add(email);
        await db.SaveChangesAsync(Cancel);
        if (notify)
        {
            var id = email.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify('onboarding_outbox', {id})", Cancel);
        }

        await transaction.CommitAsync(Cancel);
        return (claimId, link);
    }

    protected async Task<OutboxEmail> ReadRowAsync(string claimId)
    {
        await using var db = CreateContext();
        return await db.OutboxEmails.AsNoTracking().SingleAsync(m => m.ClaimId == claimId, Cancel);
    }

    protected OnboardingDbContext CreateContext() => DesignTimeDbContextFactory.Create(Factory.Infrastructure.PostgresConnectionString);

    protected static ResendEmailSender CreateResend(FakeResend resend) =>
        new(new HttpClient(), Options.Create(new EmailOptions { ResendApiKey = ResendKey, Resend = { BaseUrl = resend.BaseUrl } }));

    protected static SmtpEmailSender CreateSmtp(FakeSmtp smtp) => new(Options.Create(SmtpOptionsFor(smtp.Port)));

    protected static EmailOptions SmtpOptionsFor(int port) =>
        new() { Smtp = { Host = "127.0.0.1", Port = port, UseTls = false }, SendTimeout = TimeSpan.FromSeconds(10) };

    protected OutboxSender CreateSender(
        TimeProvider time, IEmailSender sender, int maxAttempts = 8, int batchSize = 20, TimeSpan? pollInterval = null, LinkSealer? sealer = null) =>
        new(_dataSource,
            sender,
            sealer ?? Sealer,
            time,
            Options.Create(new EmailOptions { MaxAttempts = maxAttempts, BatchSize = batchSize, PollInterval = pollInterval ?? TimeSpan.FromSeconds(5) }),
            NullLogger<OutboxSender>.Instance);

    protected static string Token(string link) => link[(link.IndexOf("?t=", StringComparison.Ordinal) + 3)..];

    public async ValueTask DisposeAsync()
    {
        await using (var db = CreateContext())
        {
            await db.Claims.Where(c => _claims.Contains(c.Id)).ExecuteDeleteAsync(CancellationToken.None);
        }

        await _dataSource.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

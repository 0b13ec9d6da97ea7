using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Web;
using Onboarding.Web.Services;

namespace Onboarding.Web.Tests.Support;

/// <summary>
/// The Api's session read over a chain held in memory: pages by <c>after</c>, <c>before</c> and <c>limit</c> as the real
/// one does, and rotates the token on every read. Events can be tampered with (content changed, hash kept).
/// </summary>
internal sealed class FakeSessionApi : HttpMessageHandler
{
    private readonly List<SessionEventView> _chain = [];
    private readonly List<string> _queries = [];
    private int _reads;
    private int _staleTokenReads;
    private int _tokens;
    private (int Limit, long Seq)? _tamperedInReadsOf;
    private (string Query, int Times)? _failing;

    public FakeSessionApi(int events = 0)
    {
        Add("onboarding.session_opened", """{"user_agent":"a/1"}""");
        for (var i = 1; i < events; i++)
        {
            Add("onboarding.tick", $$"""{"n":{{i}}}""");
        }
    }

    public int Reads => Volatile.Read(ref _reads);

    public int StaleTokenReads => Volatile.Read(ref _staleTokenReads);

    public string LastIssuedToken { get; private set; } = "token-0";

    public bool Down { get; set; }

    public bool Revoked { get; set; }

    public long LastSeq
    {
        get
        {
            lock (_chain)
            {
                return _chain.Count;
            }
        }
    }

    /// <summary>Every read's query (without the token), in order.</summary>
    public IReadOnlyList<string> Queries
    {
        get
        {
            lock (_chain)
            {
                return [.. _queries];
            }
        }
    }

    public HttpClient Client() => new(this) { BaseAddress = new Uri("http://api.test") };

    public void Add(string type, string payload)
    {
        lock (_chain)
        {
            Chains.Append(_chain, type, payload);
        }
    }

    /// <summary>Changes the event's payload and keeps its hash, as a tampering store would.</summary>
    public void Tamper(long seq)
    {
        lock (_chain)
        {
            var e = _chain[(int)seq - 1];
            _chain[(int)seq - 1] = e with { Payload = Chains.Payload("""{"n":"tampered"}""") };
        }
    }

    /// <summary>Serves a changed copy of the event (hash kept) only to reads of <paramref name="limit"/> events.</summary>
    public void TamperInReadsOf(int limit, long seq)
    {
        lock (_chain)
        {
            _tamperedInReadsOf = (limit, seq);
        }
    }

    /// <summary>Answers the next <paramref name="times"/> reads with this query (without the token) 503.</summary>
    public void FailReadsOf(string query, int times)
    {
        lock (_chain)
        {
            _failing = (query, times);
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        if (Down)
        {
            throw new HttpRequestException("connection refused");
        }

        if (Revoked)
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized)
            {
                Content = JsonContent.Create(new ApiErrorBody("The token is invalid.", "token_invalid")),
            });
        }

        var query = HttpUtility.ParseQueryString(request.RequestUri!.Query);
        var limit = query["limit"] is { } l ? int.Parse(l, CultureInfo.InvariantCulture) : 1000;
        List<SessionEventView> page;
        bool hasMore;
        long lastSeq;
        lock (_chain)
        {
            if (query["t"] != LastIssuedToken)
            {
                Interlocked.Increment(ref _staleTokenReads);
            }

            var asked = string.Join('&', query.AllKeys.Where(k => k != "t").Select(k => $"{k}={query[k]}"));
            _queries.Add(asked);
            if (_failing is { Times: > 0 } failing && failing.Query == asked)
            {
                _failing = failing with { Times = failing.Times - 1 };
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
                {
                    Content = JsonContent.Create(new ApiErrorBody("Try again.", "temporarily_unavailable")),
                });
            }
            lastSeq = _chain.Count;
            if (query["before"] is { } b)
            {
                var before = long.Parse(b, CultureInfo.InvariantCulture);
                var older = _chain.Where(e => e.Seq < before).ToList();
                page = older.Skip(Math.Max(0, older.Count - limit)).ToList();
                hasMore = page.Count > 0 && page[0].Seq > 1;
            }
            else
            {
                var after = long.Parse(query["after"] ?? "0", CultureInfo.InvariantCulture);
                var newer = _chain.Where(e => e.Seq > after).ToList();
                page = newer.Take(limit).ToList();
                hasMore = newer.Count > limit;
            }

            if (_tamperedInReadsOf is { } tampered && tampered.Limit == limit)
            {
                page = [.. page.Select(e => e.Seq == tampered.Seq ? e with { Payload = Chains.Payload("""{"n":"tampered"}""") } : e)];
            }

            LastIssuedToken = $"token-{++_tokens}";
        }

        var opened = Chains.FirstTs;
        var view = new SessionView(Chains.SessionId, opened, opened + 30L * 24 * 3600 * 1000, false, null, "a/1", null,
            lastSeq, page, hasMore, LastIssuedToken, "http://web.test/onboarding/" + Chains.SessionId);
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(view) });
    }
}

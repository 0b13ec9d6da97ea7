using System.Globalization;
using System.Text;
using System.Text.Json;
using Onboarding.Web.Services;
using Onboarding.Web.Sessions;
using Onboarding.Web.Tests.Support;

namespace Onboarding.Web.Tests.Sessions;

/// <summary>
/// The chain check verifies a page straight from its JSON; whatever it decides must be what the typed read
/// (<see cref="SessionView"/>, as the window uses it) decides for the same bytes.
/// </summary>
public class ChainPagesTests
{
    // Payloads as an agent may send them and the Api stores them: spacing, escapes, non-ASCII, nesting, other kinds.
    private static readonly (string Type, string Payload)[] Varied =
    [
        ("onboarding.session_opened", """{"user_agent":"a/1"}"""),
        ("onboarding.note", """{ "text" : "\u003cscript\u003e café \ud83d\ude00", "n": [1, 2.50, -3e2] }"""),
        ("onboarding.note", """{"nested":{"deeper":{"list":[{"a":null},{"b":true}]}}}"""),
        ("custom.string", "\"just text\""),
        ("custom.number", "42"),
        ("custom.null", "null"),
        ("onboarding.note", """{"text":"quote \" and backslash \\ and tab \t"}"""),
    ];

    [Fact]
    public void APageVerifiesFromItsBytesAsTheTypedReadDoes()
    {
        var json = Page(Chains.Build(Varied), escapeTypeOf: null);

        var raw = new ChainVerifier(Chains.SessionId);
        var page = ChainPages.Verify(Encoding.UTF8.GetBytes(json), raw);

        Assert.Equal(new ChainPage("t-next", Varied.Length), page);
        Assert.Equal(new ChainStatus(Varied.Length), raw.Status);
        Assert.Equal(Typed(json), raw.Status);
    }

    [Fact]
    public void ATamperedPayloadBreaksTheChainAtTheSameSeqEitherWay()
    {
        var chain = Chains.Build(Varied);
        chain[3] = chain[3] with { Payload = Chains.Payload("\"other text\"") };
        var json = Page(chain, escapeTypeOf: null);

        var raw = new ChainVerifier(Chains.SessionId);
        Assert.NotNull(ChainPages.Verify(Encoding.UTF8.GetBytes(json), raw));

        Assert.Equal(new ChainStatus(3, 4, "its hash does not match its content and the previous hash"), raw.Status);
        Assert.Equal(Typed(json), raw.Status);
    }

    [Fact]
    public void ATypeWrittenWithEscapesIsHashedByItsValue()
    {
        var json = Page(Chains.Build(Varied), escapeTypeOf: 2);
        Assert.Contains("onboarding\\u002Enote", json, StringComparison.Ordinal);

        var raw = new ChainVerifier(Chains.SessionId);
        ChainPages.Verify(Encoding.UTF8.GetBytes(json), raw);

        Assert.Equal(new ChainStatus(Varied.Length), raw.Status);
    }

    [Fact]
    public void EventsAlreadyVerifiedAreSkippedNotLinkedTwice()
    {
        var chain = Chains.Build(Varied);
        var verifier = new ChainVerifier(Chains.SessionId);
        verifier.Append(chain.Take(3));

        ChainPages.Verify(Encoding.UTF8.GetBytes(Page(chain, escapeTypeOf: null)), verifier);

        Assert.Equal(new ChainStatus(Varied.Length), verifier.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"events":[],"has_more":false}""")]
    [InlineData("""{"events":3,"view_token":"t"}""")]
    [InlineData("""{"events":[{"seq":"one"}],"view_token":"t"}""")]
    [InlineData("""{"events":[{"seq":1,"type":{"a":1}}],"view_token":"t"}""")]
    [InlineData("""{"events":[{"seq":1,"hash":7}],"view_token":"t"}""")]
    [InlineData("""{"events":[{"seq":1}""")]
    public void WhatIsNotASessionPageIsRefused(string json)
    {
        Assert.Null(ChainPages.Verify(Encoding.UTF8.GetBytes(json), new ChainVerifier(Chains.SessionId)));
    }

    private static ChainStatus Typed(string json) =>
        new ChainVerifier(Chains.SessionId).Append(JsonSerializer.Deserialize<SessionView>(json, JsonSerializerOptions.Web)!.Events);

    /// <summary>The Api's answer around these events, each payload written raw; one event's type optionally escaped.</summary>
    private static string Page(List<SessionEventView> events, int? escapeTypeOf)
    {
        var written = events.Select((e, i) =>
        {
            var type = i == escapeTypeOf ? e.Type.Replace(".", "\\u002E", StringComparison.Ordinal) : e.Type;
            return string.Create(CultureInfo.InvariantCulture,
                $$"""{"hash":"{{e.Hash}}", "seq": {{e.Seq}},"type":"{{type}}","extra":{"ignored":[1]},"ts":{{e.Ts}},"payload":{{e.Payload.GetRawText()}}}""");
        });
        return $$"""
            {"session_id":"{{Chains.SessionId}}","opened_at":1,"expires_at":2,"claimed":false,"claimed_by":null,"user_agent":null,
             "project_hint":null,"last_seq":{{events.Count}},"events":[{{string.Join(",\n", written)}}],
             "has_more":false,"view_token":"t-next","view_url":"http://web/onboarding/x?t=t-next"}
            """;
    }
}

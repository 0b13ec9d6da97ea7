using System.Text;
using System.Text.Json;
using Onboarding.Web.Services;
using Onboarding.Web.Sessions;
using Onboarding.Web.Tests.Support;

namespace Onboarding.Web.Tests.Sessions;

public class ChainVerifierTests
{
    private static readonly (string, string)[] ThreeEvents =
    [
        ("onboarding.session_opened", """{"user_agent":"claude-code/0.5.0","project_hint":"github.com/acme/agents"}"""),
        ("onboarding.jurisdiction_selected", """{"jurisdiction":"AE"}"""),
        ("onboarding.capabilities_inferred", """{"input":"support chat","capabilities":["consumer_chatbot"],"inferred_tier":"limited"}"""),
    ];

    [Fact]
    public void GenesisAndFirstHashesMatchValuesComputedOutsideDotNet()
    {
        // Computed with Python's hashlib from the algorithm in docs/api/sessions.md, so both sides cannot share a mistake.
        var genesis = ChainVerifier.Genesis(Chains.SessionId);
        var first = Next(genesis, 1, "onboarding.session_opened", 1746478290000,
            """{"user_agent":"claude-code/0.5.0","project_hint":"github.com/acme/agents"}""");
        var second = Next(first, 2, "onboarding.jurisdiction_selected", 1746478291000, """{"jurisdiction":"AE"}""");

        Assert.Equal("a3b07b213e71b4766df925ad47e1eac896f5f3bc2b8b8a65b047b2e17264df40", Convert.ToHexStringLower(genesis));
        Assert.Equal("f848a067150f43a38698b78a79afd2f8695dd7dba7817e6dc9382f0734e33455", Convert.ToHexStringLower(first));
        Assert.Equal("d9f3b7e6e2f6d3b24982776e737c5f5131e156a3b487668f7edea8940632df8b", Convert.ToHexStringLower(second));

        static byte[] Next(byte[] previous, long seq, string type, long ts, string payload)
        {
            var hash = new byte[32];
            ChainVerifier.Next(previous, seq, Encoding.UTF8.GetBytes(type), ts, Encoding.UTF8.GetBytes(payload), hash);
            return hash;
        }
    }

    [Fact]
    public void ACorrectChainIsVerified()
    {
        var verifier = new ChainVerifier(Chains.SessionId);

        var status = verifier.Append(Chains.Build(ThreeEvents));

        Assert.False(status.IsBroken);
        Assert.Equal(3, status.VerifiedCount);
    }

    [Fact]
    public void AnEmptyChainIsNotBroken()
    {
        var status = new ChainVerifier(Chains.SessionId).Status;

        Assert.False(status.IsBroken);
        Assert.Equal(0, status.VerifiedCount);
    }

    [Fact]
    public void VerifyingInSeveralReadsGivesTheSameResultAsOne()
    {
        var events = Chains.Build(ThreeEvents);
        var verifier = new ChainVerifier(Chains.SessionId);

        verifier.Append(events.Take(1));
        verifier.Append(events.Skip(1).Take(1));
        var status = verifier.Append(events.Skip(2));

        Assert.Equal(new ChainStatus(3), status);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(3L)]
    [InlineData(1L << 26)]
    [InlineData(long.MaxValue)]
    public void RoomReservedForAnyClaimedLengthStillHoldsEveryVerifiedHash(long claimedLastSeq)
    {
        // The claimed length comes from the Api's response: too short, right or absurd, the verifier's answer is the same.
        var events = Chains.Build([.. Enumerable.Range(1, 300).Select(i => ("custom.tick", $$"""{"i":{{i}}}"""))]);
        var verifier = new ChainVerifier(Chains.SessionId);

        verifier.Reserve(claimedLastSeq);
        var status = verifier.Append(events);

        Assert.Equal(new ChainStatus(300), status);
        Assert.All(events, e => Assert.Equal(status, verifier.Confirm(e)));
    }

    [Fact]
    public void ATamperedPayloadBreaksTheChainAtItsSeq()
    {
        var events = Chains.Build(ThreeEvents);
        events[1] = events[1] with { Payload = Chains.Payload("""{"jurisdiction":"US"}""") };

        var status = new ChainVerifier(Chains.SessionId).Append(events);

        Assert.True(status.IsBroken);
        Assert.Equal(2, status.BrokenAtSeq);
        Assert.Equal(1, status.VerifiedCount);
        Assert.Contains("hash does not match", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ATamperedHashBreaksTheChainAtItsSeq()
    {
        var events = Chains.Build(ThreeEvents);
        events[2] = events[2] with { Hash = new string('a', 64) };

        var status = new ChainVerifier(Chains.SessionId).Append(events);

        Assert.Equal(3, status.BrokenAtSeq);
        Assert.Equal(2, status.VerifiedCount);
    }

    [Fact]
    public void AChangedTypeOrTimestampBreaksTheChain()
    {
        var retyped = Chains.Build(ThreeEvents);
        retyped[0] = retyped[0] with { Type = "onboarding.something_else" };
        var retimed = Chains.Build(ThreeEvents);
        retimed[0] = retimed[0] with { Ts = retimed[0].Ts + 1 };

        Assert.Equal(1, new ChainVerifier(Chains.SessionId).Append(retyped).BrokenAtSeq);
        Assert.Equal(1, new ChainVerifier(Chains.SessionId).Append(retimed).BrokenAtSeq);
    }

    [Fact]
    public void AChainOfAnotherSessionDoesNotVerify()
    {
        var events = Chains.Build("ses_01JD8X3Q9V7M2T5K4R6N8P0ZZZ", ThreeEvents);

        var status = new ChainVerifier(Chains.SessionId).Append(events);

        Assert.Equal(1, status.BrokenAtSeq);
    }

    [Fact]
    public void AGapInSequenceNumbersBreaksTheChain()
    {
        var events = Chains.Build(ThreeEvents);
        events.RemoveAt(1);

        var status = new ChainVerifier(Chains.SessionId).Append(events);

        Assert.Equal(3, status.BrokenAtSeq);
        Assert.Equal(1, status.VerifiedCount);
        Assert.Contains("jumps from 1 to 3", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AChainThatDoesNotStartAtOneIsBroken()
    {
        var events = Chains.Build(ThreeEvents);

        var status = new ChainVerifier(Chains.SessionId).Append(events.Skip(1));

        Assert.Equal(2, status.BrokenAtSeq);
        Assert.Equal(0, status.VerifiedCount);
    }

    [Fact]
    public void ARepeatedEventBreaksTheChain()
    {
        var events = Chains.Build(ThreeEvents);
        var verifier = new ChainVerifier(Chains.SessionId);
        verifier.Append(events);

        var status = verifier.Append(events[2]);

        Assert.Equal(3, status.BrokenAtSeq);
        Assert.Contains("arrived after", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheChainStaysBrokenAtTheFirstBreak()
    {
        var events = Chains.Build([.. ThreeEvents, ("onboarding.first_telemetry", """{"agent_id":"agt_1"}""")]);
        events[1] = events[1] with { Hash = new string('b', 64) };
        var verifier = new ChainVerifier(Chains.SessionId);

        verifier.Append(events.Take(2));
        var status = verifier.Append(events.Skip(2));

        Assert.Equal(2, status.BrokenAtSeq);
        Assert.Equal(1, status.VerifiedCount);
    }

    [Fact]
    public void ThePayloadIsHashedExactlyAsTheResponseCarriesIt()
    {
        // The Api writes stored payload bytes raw; escapes and non-ASCII text must not be normalised.
        const string response = """
            {"session_id":"ses_01JD8X3Q9V7M2T5K4R6N8P0W1Y","opened_at":1746478290000,"expires_at":1749070290000,
             "claimed":false,"claimed_by":null,"user_agent":null,"project_hint":null,"last_seq":3,"events":[
             {"seq":1,"type":"onboarding.session_opened","ts":1746478290000,"payload":{"user_agent":"claude-code/0.5.0","project_hint":"github.com/acme/agents"},"hash":"f848a067150f43a38698b78a79afd2f8695dd7dba7817e6dc9382f0734e33455"},
             {"seq":2,"type":"onboarding.jurisdiction_selected","ts":1746478291000,"payload":{"jurisdiction":"AE"},"hash":"d9f3b7e6e2f6d3b24982776e737c5f5131e156a3b487668f7edea8940632df8b"},
             {"seq":3,"type":"onboarding.note","ts":1746478292000,"payload":{"text":"\u003cscript\u003e café"},"hash":"bbc61491f5781c567722d248f3c6e27d8151b8797fd7f7e7b621eb57c7a65550"}],
             "has_more":false,"view_token":"t2","view_url":"http://web/onboarding/ses_01JD8X3Q9V7M2T5K4R6N8P0W1Y?t=t2"}
            """;
        var view = JsonSerializer.Deserialize<SessionView>(response)!;

        var status = new ChainVerifier(view.SessionId).Append(view.Events);

        Assert.Equal(new ChainStatus(3), status);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Onboarding.Web.Services;

namespace Onboarding.Web.Sessions;

/// <summary>Where the verification of a session's chain stands.</summary>
/// <param name="VerifiedCount">How many events, from seq 1, are proven to link up.</param>
/// <param name="BrokenAtSeq">The seq of the first event that does not link, or null while the chain holds.</param>
/// <param name="Reason">Why it does not link, for people.</param>
public sealed record ChainStatus(long VerifiedCount, long? BrokenAtSeq = null, string? Reason = null)
{
    public static readonly ChainStatus Empty = new(0);

    public bool IsBroken => BrokenAtSeq is not null;
}

/// <summary>
/// Verifies a session's hash chain without trusting the Api, one event at a time as they arrive:
/// <c>h0 = SHA-256(UTF-8("onboarding.chain/v1\n" + session_id))</c>, then
/// <c>h(n) = SHA-256(h(n-1) || UTF-8(seq + "\n" + type + "\n" + ts + "\n" + payload))</c>,
/// where <c>payload</c> is the payload's JSON text exactly as the response carries it. Sequence
/// numbers must run 1, 2, 3… without gaps. Once broken, the chain stays broken. It keeps each verified hash (32 bytes an
/// event, 640 KB at the session cap) so an event read again later can be <see cref="Confirm"/>ed against the chain.
/// </summary>
public sealed class ChainVerifier(string sessionId)
{
    private const int HashSize = 32;

    private readonly byte[] _genesis = Genesis(sessionId);
    private byte[] _hashes = new byte[64 * HashSize];
    private long _lastSeq;

    public ChainStatus Status { get; private set; } = ChainStatus.Empty;

    public ChainStatus Append(IEnumerable<SessionEventView> events)
    {
        foreach (var e in events)
        {
            Append(e);
        }

        return Status;
    }

    public ChainStatus Append(SessionEventView e)
    {
        if (Status.IsBroken)
        {
            return Status;
        }

        var expected = _lastSeq + 1;
        if (e.Seq != expected)
        {
            return Status = Status with
            {
                BrokenAtSeq = e.Seq,
                Reason = e.Seq > expected
                    ? $"events {expected}…{e.Seq - 1} are missing: the sequence jumps from {_lastSeq} to {e.Seq}"
                    : $"seq {e.Seq} arrived after seq {_lastSeq}; the sequence must increase by one",
            };
        }

        var next = Next(HashBefore(e.Seq), e.Seq, e.Type ?? "", e.Ts, PayloadText(e.Payload));
        if (!string.Equals(Convert.ToHexStringLower(next), e.Hash, StringComparison.Ordinal))
        {
            return Status = Status with
            {
                BrokenAtSeq = e.Seq,
                Reason = "its hash does not match its content and the previous hash",
            };
        }

        if (_hashes.Length < e.Seq * HashSize)
        {
            Array.Resize(ref _hashes, _hashes.Length * 2);
        }

        next.CopyTo(_hashes.AsSpan(HashAt(e.Seq)));
        _lastSeq = e.Seq;
        return Status = new ChainStatus(e.Seq);
    }

    /// <summary>
    /// Checks an event read again (say, scrolled back into view) against the verified chain: the same content must give
    /// the same hash after the same predecessor. Events not verified yet are left for later; a difference breaks the chain.
    /// </summary>
    public ChainStatus Confirm(SessionEventView e)
    {
        if (Status.IsBroken || e.Seq < 1 || e.Seq > _lastSeq)
        {
            return Status;
        }

        var verified = _hashes.AsSpan(HashAt(e.Seq), HashSize);
        var recomputed = Next(HashBefore(e.Seq), e.Seq, e.Type ?? "", e.Ts, PayloadText(e.Payload));
        if (recomputed.AsSpan().SequenceEqual(verified) && string.Equals(Convert.ToHexStringLower(verified), e.Hash, StringComparison.Ordinal))
        {
            return Status;
        }

        return Status = Status with
        {
            BrokenAtSeq = e.Seq,
            Reason = "the copy shown differs from the one verified",
        };
    }

    private byte[] HashBefore(long seq) => seq == 1 ? _genesis : _hashes.AsSpan(HashAt(seq - 1), HashSize).ToArray();

    private static int HashAt(long seq) => checked((int)(seq - 1) * HashSize);

    public static byte[] Genesis(string sessionId) =>
        SHA256.HashData(Encoding.UTF8.GetBytes("onboarding.chain/v1\n" + sessionId));

    public static byte[] Next(byte[] previous, long seq, string type, long ts, string payload)
    {
        var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{seq}\n{type}\n{ts}\n{payload}"));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(previous);
        sha.AppendData(body);
        return sha.GetHashAndReset();
    }

    /// <summary>The payload's JSON text as it appeared in the response; the Api writes the hashed bytes raw.</summary>
    public static string PayloadText(JsonElement payload) =>
        payload.ValueKind == JsonValueKind.Undefined ? "" : payload.GetRawText();
}

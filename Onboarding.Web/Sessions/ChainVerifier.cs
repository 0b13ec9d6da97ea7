using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Runtime.InteropServices;
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
/// where <c>payload</c> is the payload's JSON exactly as the response carries it. Sequence
/// numbers must run 1, 2, 3… without gaps. Once broken, the chain stays broken. It keeps each verified hash (32 bytes an
/// event: 320 KB for 10,000, 640 KB at the session cap) so an event read again later can be <see cref="Confirm"/>ed
/// against the chain.
/// </summary>
public sealed class ChainVerifier(string sessionId)
{
    private const int HashSize = 32;
    private const long MaxReserved = 100_000;

    private readonly byte[] _genesis = Genesis(sessionId);
    private byte[] _hashes = new byte[64 * HashSize];
    private long _lastSeq;
    private ChainStatus _status = ChainStatus.Empty;

    /// <summary>The status, replaced only when read after a change: linking an event allocates nothing.</summary>
    public ChainStatus Status => _status.IsBroken || _status.VerifiedCount == _lastSeq ? _status : _status = new ChainStatus(_lastSeq);

    /// <summary>Verifies events that follow the verified ones.</summary>
    public ChainStatus Append(IEnumerable<SessionEventView> events)
    {
        foreach (var e in events)
        {
            if (!Link(e))
            {
                break;
            }
        }

        return Status;
    }

    public ChainStatus Append(SessionEventView e) => Append([e]);

    /// <summary>
    /// Makes room for the hashes of a chain known to reach <paramref name="lastSeq"/>, and a little more for live
    /// appends, so a long chain is held in one array of its size rather than one doubled past it. A length past
    /// <see cref="MaxReserved"/> is not taken on trust: the array grows as events are verified instead.
    /// </summary>
    public void Reserve(long lastSeq)
    {
        var size = (Math.Min(lastSeq, MaxReserved) + 64) * HashSize;
        if (_hashes.Length < size)
        {
            Array.Resize(ref _hashes, (int)size);
        }
    }

    /// <summary>Links one event read as <see cref="SessionEventView"/>; false when the chain is (now) broken.</summary>
    private bool Link(SessionEventView e)
    {
        using var type = new Utf8(e.Type ?? "");
        return Link(e.Seq, type.Bytes, e.Ts, PayloadUtf8(e.Payload), e.Hash);
    }

    /// <summary>
    /// Links one event given as the response carried it (its type as UTF-8, its payload's JSON bytes, its hash as hex)
    /// and keeps its hash; false when the chain is (now) broken, with <see cref="Status"/> saying why.
    /// </summary>
    public bool Link(long seq, ReadOnlySpan<byte> type, long ts, ReadOnlySpan<byte> payload, ReadOnlySpan<char> hashHex)
    {
        if (_status.IsBroken)
        {
            return false;
        }

        var expected = _lastSeq + 1;
        if (seq != expected)
        {
            return Break(seq, seq > expected
                ? $"events {expected}…{seq - 1} are missing: the sequence jumps from {_lastSeq} to {seq}"
                : $"seq {seq} arrived after seq {_lastSeq}; the sequence must increase by one");
        }

        Span<byte> next = stackalloc byte[HashSize];
        Next(HashBefore(seq), seq, type, ts, payload, next);
        if (!IsHexOf(hashHex, next))
        {
            return Break(seq, "its hash does not match its content and the previous hash");
        }

        if (_hashes.Length < seq * HashSize)
        {
            Array.Resize(ref _hashes, _hashes.Length * 2);
        }

        next.CopyTo(_hashes.AsSpan(HashAt(seq)));
        _lastSeq = seq;
        return true;
    }

    /// <summary>
    /// Checks an event read again (say, scrolled back into view) against the verified chain: the same content must give
    /// the same hash after the same predecessor. Events not verified yet are left for later; a difference breaks the chain.
    /// </summary>
    public ChainStatus Confirm(SessionEventView e)
    {
        if (_status.IsBroken || e.Seq < 1 || e.Seq > _lastSeq)
        {
            return Status;
        }

        var verified = _hashes.AsSpan(HashAt(e.Seq), HashSize);
        Span<byte> recomputed = stackalloc byte[HashSize];
        using (var type = new Utf8(e.Type ?? ""))
        {
            Next(HashBefore(e.Seq), e.Seq, type.Bytes, e.Ts, PayloadUtf8(e.Payload), recomputed);
        }

        if (!recomputed.SequenceEqual(verified) || !IsHexOf(e.Hash, verified))
        {
            Break(e.Seq, "the copy shown differs from the one verified");
        }

        return Status;
    }

    private bool Break(long seq, string reason)
    {
        _status = new ChainStatus(_lastSeq, seq, reason);
        return false;
    }

    private ReadOnlySpan<byte> HashBefore(long seq) => seq == 1 ? _genesis : _hashes.AsSpan(HashAt(seq - 1), HashSize);

    private static int HashAt(long seq) => checked((int)(seq - 1) * HashSize);

    public static byte[] Genesis(string sessionId) =>
        SHA256.HashData(Encoding.UTF8.GetBytes("onboarding.chain/v1\n" + sessionId));

    /// <summary>
    /// Writes <c>SHA-256(previous || UTF-8(seq + "\n") || type || UTF-8("\n" + ts + "\n") || payload)</c> into
    /// <paramref name="hash"/>, through one pooled buffer: verifying a long session leaves no garbage per event.
    /// </summary>
    public static void Next(ReadOnlySpan<byte> previous, long seq, ReadOnlySpan<byte> type, long ts, ReadOnlySpan<byte> payload, Span<byte> hash)
    {
        var size = previous.Length + 2 * 20 + 3 + type.Length + payload.Length;
        var rented = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var body = rented.AsSpan();
            previous.CopyTo(body);
            var at = previous.Length;
            at += Written(seq.TryFormat(body[at..], out var n, default, CultureInfo.InvariantCulture), n);
            body[at++] = (byte)'\n';
            type.CopyTo(body[at..]);
            at += type.Length;
            body[at++] = (byte)'\n';
            at += Written(ts.TryFormat(body[at..], out n, default, CultureInfo.InvariantCulture), n);
            body[at++] = (byte)'\n';
            payload.CopyTo(body[at..]);
            SHA256.HashData(body[..(at + payload.Length)], hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        static int Written(bool formatted, int bytes) => formatted ? bytes : throw new InvalidOperationException("The hash input buffer is too small.");
    }

    /// <summary>The payload's JSON exactly as the response carried it (the Api writes the hashed bytes raw), without copying it.</summary>
    public static ReadOnlySpan<byte> PayloadUtf8(JsonElement payload) =>
        payload.ValueKind == JsonValueKind.Undefined ? [] : JsonMarshal.GetRawUtf8Value(payload);

    // The Api writes hashes as lowercase hex; anything else is not the hash it computed.
    private static bool IsHexOf(ReadOnlySpan<char> hex, ReadOnlySpan<byte> hash)
    {
        Span<char> expected = stackalloc char[2 * HashSize];
        return Convert.TryToHexStringLower(hash, expected, out _) && hex.SequenceEqual(expected);
    }

    /// <summary>A string's UTF-8 bytes in a pooled buffer.</summary>
    private readonly ref struct Utf8
    {
        private readonly byte[] _rented;

        public Utf8(string text)
        {
            _rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
            Bytes = _rented.AsSpan(0, Encoding.UTF8.GetBytes(text, _rented));
        }

        public ReadOnlySpan<byte> Bytes { get; }

        public void Dispose() => ArrayPool<byte>.Shared.Return(_rented);
    }
}

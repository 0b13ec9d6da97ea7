using System.Buffers;

namespace Onboarding.Web.Services;

/// <summary>A response body read whole into a buffer from the shared pool; disposing it gives the buffer back.</summary>
internal sealed class PooledBody : IDisposable
{
    private byte[] _buffer;
    private int _length;

    private PooledBody(byte[] buffer) => _buffer = buffer;

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    public static async Task<PooledBody> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var body = new PooledBody(ArrayPool<byte>.Shared.Rent((int)Math.Clamp(content.Headers.ContentLength ?? 0, 16 * 1024, 4 * 1024 * 1024)));
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken);
            int read;
            while ((read = await stream.ReadAsync(body._buffer.AsMemory(body._length), cancellationToken)) > 0)
            {
                body._length += read;
                if (body._length == body._buffer.Length)
                {
                    body.Grow();
                }
            }

            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _length = 0;
    }

    private void Grow()
    {
        var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        Bytes.CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}

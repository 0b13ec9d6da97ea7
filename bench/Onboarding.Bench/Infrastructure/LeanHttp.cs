using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Onboarding.Bench.Infrastructure;

/// <summary>
/// The load generator's HTTP: a kept-alive HTTP/1.1 connection sending requests encoded once, and reading each answer
/// only as far as its status and the end of its body (Content-Length or chunked). What wrk is to a web server and
/// pgbench to Postgres: on two shared cores, HttpClient's own cost per request was more than the Api's, and that is
/// not what the bench measures.
/// </summary>
public sealed class LeanHttpConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private LeanHttpConnection(Socket socket) => _socket = socket;

    public static async Task<LeanHttpConnection> ConnectAsync(Uri server, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(server.Host), server.Port), cancellationToken);
        return new LeanHttpConnection(socket);
    }

    /// <summary>A request as bytes, with the Host header and (when given) a JSON body.</summary>
    public static byte[] Request(string method, Uri server, string pathAndQuery, string? bearer, byte[]? json = null)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{method} {pathAndQuery} HTTP/1.1\r\nHost: {server.Authority}\r\n");
        if (bearer is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Authorization: Bearer {bearer}\r\n");
        }

        if (json is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Type: application/json\r\nContent-Length: {json.Length}\r\n");
        }

        return [.. Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), .. json ?? []];
    }

    /// <summary>Sends the request and returns the answer's status code once its whole body has arrived.</summary>
    public async Task<int> SendAsync(byte[] request, CancellationToken cancellationToken = default)
    {
        await _socket.SendAsync(request, SocketFlags.None, cancellationToken);
        var status = int.Parse(Encoding.ASCII.GetString(await ReadLineAsync(cancellationToken)).Split(' ')[1], CultureInfo.InvariantCulture);
        long? length = null;
        var chunked = false;
        while (await ReadLineAsync(cancellationToken) is { Length: > 0 } header)
        {
            var line = Encoding.ASCII.GetString(header);
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = long.Parse(line.AsSpan(15).Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && line.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                chunked = true;
            }
        }

        if (chunked)
        {
            while (long.Parse(Encoding.ASCII.GetString(await ReadLineAsync(cancellationToken)).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) is var size and > 0)
            {
                await SkipAsync(size + 2, cancellationToken);
            }

            // Trailers, if any, end with an empty line.
            while ((await ReadLineAsync(cancellationToken)).Length > 0)
            {
            }
        }
        else
        {
            await SkipAsync(length ?? 0, cancellationToken);
        }

        return status;
    }

    public void Dispose() => _socket.Dispose();

    private async Task<byte[]> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (end >= 0)
            {
                var line = _buffer.AsSpan(_start, end).ToArray();
                _start += end + 2;
                return line;
            }

            await FillAsync(cancellationToken);
        }
    }

    private async Task SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            var taken = (int)Math.Min(count, _end - _start);
            _start += taken;
            count -= taken;
        }
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            // Keep what is unread at the front, so a line never straddles the end.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            throw new HttpRequestException("The server closed the connection.");
        }

        _end += read;
    }
}

/// <summary>Connections for an open-loop load, where requests overlap: one is taken per request and given back after.</summary>
public sealed class LeanHttpPool(Uri server) : IDisposable
{
    private readonly ConcurrentBag<LeanHttpConnection> _idle = [];

    public async Task<int> SendAsync(byte[] request, CancellationToken cancellationToken = default)
    {
        var connection = _idle.TryTake(out var idle) ? idle : await LeanHttpConnection.ConnectAsync(server, cancellationToken);
        try
        {
            var status = await connection.SendAsync(request, cancellationToken);
            _idle.Add(connection);
            return status;
        }
        catch
        {
            // A connection that failed mid-answer cannot be reused.
            connection.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }
}

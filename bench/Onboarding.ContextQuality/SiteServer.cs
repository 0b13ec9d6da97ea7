using System.Net;

namespace Onboarding.ContextQuality;

/// <summary>
/// Serves one saved site from disk on 127.0.0.1 the way a static host does: <c>/x</c> → 301 <c>/x/</c> for a
/// folder, <c>/x</c> → <c>x.html</c>, <c>404.html</c> with status 404; and logs every request, so the evaluation can
/// count the pages the crawler fetched and those it fetched twice.
/// </summary>
internal sealed class SiteServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _root;
    private readonly Task _serving;

    public SiteServer(string root, int port)
    {
        _root = Path.GetFullPath(root);
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>Each request's path (query included), its status and the file it was answered with.</summary>
    public List<(string Path, int Status, string? File)> Requests { get; } = [];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var url = context.Request.Url!;
            var (status, location, file) = Resolve(Uri.UnescapeDataString(url.AbsolutePath));
            lock (Requests)
            {
                Requests.Add((url.PathAndQuery, status, file));
            }

            context.Response.StatusCode = status;
            if (location is not null)
            {
                context.Response.RedirectLocation = location + url.Query;
            }

            var body = file is not null ? await File.ReadAllBytesAsync(file)
                : status == 404 && File.Exists(Path.Combine(_root, "404.html")) ? await File.ReadAllBytesAsync(Path.Combine(_root, "404.html")) : [];
            context.Response.ContentType = (file ?? ".html").EndsWith(".xml", StringComparison.Ordinal) ? "application/xml"
                : (file ?? ".html").EndsWith(".txt", StringComparison.Ordinal) ? "text/plain; charset=utf-8" : "text/html; charset=utf-8";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    private (int Status, string? Location, string? File) Resolve(string path)
    {
        var local = Path.GetFullPath(Path.Combine(_root, path.TrimStart('/')));
        if (!local.StartsWith(_root, StringComparison.Ordinal))
        {
            return (404, null, null);
        }

        if (path.EndsWith('/'))
        {
            var index = Path.Combine(local, "index.html");
            return File.Exists(index) ? (200, null, index) : (404, null, null);
        }

        if (File.Exists(local))
        {
            return (200, null, local);
        }

        if (Directory.Exists(local) && File.Exists(Path.Combine(local, "index.html")))
        {
            return (301, string.Join("/", path.Split('/').Select(Uri.EscapeDataString)) + "/", null);
        }

        return File.Exists(local + ".html") ? (200, null, local + ".html") : (404, null, null);
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}

using System.Net.Http.Headers;
using System.Text;

namespace Onboarding.Worker.Crawling;

/// <summary>Turns a page's bytes into text: the charset of its content type, else of a <c>&lt;meta charset&gt;</c>, else UTF-8.</summary>
internal static class Charset
{
    public static string Decode(byte[] body, MediaTypeHeaderValue? contentType)
    {
        var charset = contentType?.CharSet?.Trim('"');
        if (charset is null)
        {
            // A <meta charset> near the top; else UTF-8, which most of the web is.
            var head = Encoding.ASCII.GetString(body.AsSpan(0, Math.Min(body.Length, 2048)));
            var at = head.IndexOf("charset=", StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                charset = new string(head[(at + 8)..].TrimStart('"', '\'').TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').ToArray());
            }
        }

        try
        {
            return (charset is { Length: > 0 } ? Encoding.GetEncoding(charset) : Encoding.UTF8).GetString(body);
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8.GetString(body);
        }
    }
}

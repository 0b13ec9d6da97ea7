using System.Xml;

namespace Onboarding.Worker.Crawling;

/// <summary>Reads a sitemap's page URLs: same-site <c>&lt;loc&gt;</c>s only, no DTD, no nested sitemaps; a malformed one gives what was read.</summary>
internal static class Sitemap
{
    private const int MaxUrls = 500;

    public static List<PageLink> Links(byte[] body, Uri home)
    {
        var links = new List<PageLink>();
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            while (links.Count < MaxUrls && reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "loc"
                    && Uri.TryCreate(reader.ReadElementContentAsString().Trim(), UriKind.Absolute, out var page)
                    && page.Scheme is "http" or "https" && PageReader.SameSite(page, home) && !page.AbsolutePath.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
                {
                    links.Add(new PageLink(PageReader.Canonical(page), ""));
                }
            }
        }
        catch (XmlException)
        {
            // What was read before the fault stands.
        }

        return links;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Onboarding.Api.Sessions;

/// <summary>Each session's chain tip as of this instance's last commit to it: the starting point of an append's short way.</summary>
internal sealed class KnownTips
{
    // Tips are small; past this many the cache starts over rather than track which sessions went quiet.
    private const int MaxKnownTips = 10_000;

    private readonly ConcurrentDictionary<string, ChainTip> _tips = new(StringComparer.Ordinal);

    public bool TryGet(string sessionId, [NotNullWhen(true)] out ChainTip? tip) => _tips.TryGetValue(sessionId, out tip);

    /// <summary>Keeps a committed tip as the session's known one, for its next batch.</summary>
    public void Remember(string sessionId, ChainTip tip)
    {
        if (_tips.Count >= MaxKnownTips && !_tips.ContainsKey(sessionId))
        {
            _tips.Clear();
        }

        _tips[sessionId] = tip with { Moved = false };
    }

    public void Forget(string sessionId) => _tips.TryRemove(sessionId, out _);
}

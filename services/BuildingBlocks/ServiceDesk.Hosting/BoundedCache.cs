using System.Collections.Concurrent;

namespace ServiceDesk.Hosting;

internal static class BoundedCache
{
    /// <summary>
    /// Sets <paramref name="key"/>, first emptying a cache that holds <paramref name="maxEntries"/> already: what it
    /// remembers only saves work, so starting over costs a few recomputations and a flood of keys costs no memory.
    /// </summary>
    public static TValue Remember<TKey, TValue>(this ConcurrentDictionary<TKey, TValue> cache, TKey key, TValue value, int maxEntries)
        where TKey : notnull
    {
        if (cache.Count >= maxEntries)
        {
            cache.Clear();
        }

        cache[key] = value;
        return value;
    }
}

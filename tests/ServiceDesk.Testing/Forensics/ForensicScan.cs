using System.Text;
using StackExchange.Redis;

namespace ServiceDesk.Testing.Forensics;

/// <summary>One place a searched string was found.</summary>
/// <param name="Where">A file path, or "redis:" and the key.</param>
/// <param name="Needle">The string searched for, as given.</param>
/// <param name="Offset">Byte offset in the file or value.</param>
/// <param name="Encoding">"utf-8" or "utf-16".</param>
public sealed record ForensicFinding(string Where, string Needle, long Offset, string Encoding)
{
    public override string ToString() => $"{Where} @{Offset} ({Encoding})";
}

/// <summary>
/// Looks for strings in raw bytes, the way someone holding a copy of the disk would: every byte of every file
/// (a database's free pages and index nodes, a write-ahead log, Redis's AOF and RDB, logs, mail files), and
/// every key and value Redis holds, stream entries included. Matching ignores letter case: ASCII letters in
/// any mix of case; other letters in the needle's all-lower or all-upper form.
/// </summary>
public static class ForensicScan
{
    public static IReadOnlyList<ForensicFinding> Files(IEnumerable<string> directories, IReadOnlyCollection<string> needles)
    {
        var patterns = Patterns(needles);
        var findings = new List<ForensicFinding>();
        foreach (var directory in directories.Where(System.IO.Directory.Exists))
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            {
                if (ReadShared(file) is { } bytes)
                {
                    findings.AddRange(Search(file, bytes, patterns));
                }
            }
        }

        return findings;
    }

    /// <summary>Every key of every database, with its value: strings, hashes, lists, sets, sorted sets and stream entries.</summary>
    public static async Task<IReadOnlyList<ForensicFinding>> RedisAsync(string configuration, IReadOnlyCollection<string> needles)
    {
        var patterns = Patterns(needles);
        var findings = new List<ForensicFinding>();
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{configuration},allowAdmin=true");
        var server = connection.GetServers().Single();
        var databases = (int)(await server.ExecuteAsync("CONFIG", "GET", "databases")).ToDictionary()["databases"];
        for (var index = 0; index < databases; index++)
        {
            var database = connection.GetDatabase(index);
            await foreach (var key in server.KeysAsync(index, pageSize: 1000))
            {
                var where = $"redis:{index}:{key}";
                findings.AddRange(Search(where, (byte[])key!, patterns));
                foreach (var value in await ValuesAsync(database, key))
                {
                    findings.AddRange(Search(where, value, patterns));
                }
            }
        }

        return findings;
    }

    private static async Task<IEnumerable<byte[]>> ValuesAsync(IDatabase database, RedisKey key)
    {
        IEnumerable<RedisValue> values = await database.KeyTypeAsync(key) switch
        {
            RedisType.String => [await database.StringGetAsync(key)],
            RedisType.Hash => (await database.HashGetAllAsync(key)).SelectMany(entry => new[] { entry.Name, entry.Value }),
            RedisType.List => await database.ListRangeAsync(key),
            RedisType.Set => await database.SetMembersAsync(key),
            RedisType.SortedSet => await database.SortedSetRangeByRankAsync(key),
            RedisType.Stream => (await database.StreamRangeAsync(key)).SelectMany(entry => entry.Values.SelectMany(field => new[] { field.Name, field.Value })),
            _ => [],
        };
        return values.Where(value => !value.IsNull).Select(value => (byte[])value!);
    }

    // A live database or log file is open for writing by its service: read it without asking for exclusivity. A file
    // of a running service can also vanish between listing and reading (a temporary file renamed): nothing to scan. One
    // its service is writing alone (a letter's temporary file in the pickup directory, for milliseconds) is locked
    // against any reader: it is read once written, or is gone.
    private static byte[]? ReadShared(string file)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.ToArray();
            }
            catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(10));
            }
        }
    }

    private sealed record Pattern(string Needle, string Encoding, byte[] Bytes);

    private static List<Pattern> Patterns(IReadOnlyCollection<string> needles)
    {
        if (needles.Count == 0 || needles.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Give at least one non-empty string to look for.", nameof(needles));
        }

        return
        [
            .. needles.SelectMany(needle => new[] { needle.ToLowerInvariant(), needle.ToUpperInvariant() }.Distinct()
                .SelectMany(form => new[]
                {
                    new Pattern(needle, "utf-8", FoldAscii(Encoding.UTF8.GetBytes(form))),
                    new Pattern(needle, "utf-16", FoldAscii(Encoding.Unicode.GetBytes(form))),
                }))
                // Lower and upper forms of ASCII letters fold to the same bytes: search them once.
                .DistinctBy(pattern => (pattern.Needle, pattern.Encoding, Convert.ToHexString(pattern.Bytes))),
        ];
    }

    private static IEnumerable<ForensicFinding> Search(string where, byte[] haystack, List<Pattern> patterns)
    {
        var folded = FoldAscii(haystack);
        foreach (var pattern in patterns)
        {
            var offset = 0;
            while (offset < folded.Length && folded.AsSpan(offset).IndexOf(pattern.Bytes) is var found and >= 0)
            {
                yield return new ForensicFinding(where, pattern.Needle, offset + found, pattern.Encoding);
                offset += found + 1;
            }
        }
    }

    private static byte[] FoldAscii(byte[] bytes)
    {
        var folded = (byte[])bytes.Clone();
        for (var i = 0; i < folded.Length; i++)
        {
            if (folded[i] is >= (byte)'A' and <= (byte)'Z')
            {
                folded[i] = (byte)(folded[i] + ('a' - 'A'));
            }
        }

        return folded;
    }
}

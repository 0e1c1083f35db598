using System.Collections.Concurrent;
using System.Security.Cryptography;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Hosting.KeyProtection;

/// <summary>
/// The ids agents know customers by: one per project, <c>{project key}-{32 hex digits}</c>, the customer's own id
/// (16 bytes) encrypted with AES-256 under a key derived from the key-encryption key for that project. Agents of two
/// projects so hold unrelated ids for a customer both projects have, and no agent holds the customer's own id,
/// which admins and services use (and which, a version-7 UUID, would tell when the customer was first created).
/// Directory maps a scoped id back for every caller but customers; one made under a retired KEK still maps back
/// while that KEK is listed in <c>KeyProtection:RetiredKeys</c>. Ticketing answers agents with the same ids (the key
/// derivation is shared through the KEK), so the id of a customer on a ticket is the one Directory gave the agent.
/// </summary>
public sealed class ProjectScopedIds(KeyWrapper keys)
{
    private const char Separator = '-';
    private const int CustomerIdBytes = 16;

    /// <summary>
    /// Projects whose derived keys are kept: deriving them was a measurable share of answering a suggestion list.
    /// Bounded, since ids in requests may name any well-formed project key; keys of further projects are derived each time.
    /// </summary>
    private const int MaxProjectsKept = 1_024;

    private readonly ConcurrentDictionary<string, ProjectKeys> _projectKeys = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="customerId"/> has the shape of a customer's own id (32 lower-case hex digits).</summary>
    public static bool IsCustomerId(string customerId) =>
        customerId.Length == 2 * CustomerIdBytes && !customerId.AsSpan().ContainsAnyExcept("0123456789abcdef");

    public string For(string customerId, string projectKey)
    {
        var keys = KeysOf(projectKey);
        return keys.Known(customerId) ?? keys.Remember(customerId, $"{projectKey}{Separator}{Convert.ToHexStringLower(keys.Encrypt(Convert.FromHexString(customerId)))}");
    }

    /// <summary>The project of a scoped id; null for any other id.</summary>
    public string? ProjectOf(string id) => Split(id) is var (projectKey, _) ? projectKey : null;

    /// <summary>
    /// The customer ids a scoped id may stand for, one per configured KEK, current first (only one of them names a
    /// customer of <paramref name="projectKey"/>); false for any other id.
    /// </summary>
    public bool TryOpen(string id, out string projectKey, out IReadOnlyList<string> customerIds)
    {
        if (Split(id) is not var (project, block))
        {
            (projectKey, customerIds) = (string.Empty, []);
            return false;
        }

        projectKey = project;
        customerIds = [.. KeysOf(project).Keys.Select(key => Convert.ToHexStringLower(Decrypt(key, block)))];
        return true;
    }

    /// <summary>
    /// A list filtered by an id that may stand for several customer ids (<see cref="TryOpen"/>'s candidates, one per
    /// configured KEK, of which only one is a customer's; null for no filter): the first that finds anything is the one
    /// (an id made under a retired KEK names the second); empty when none does.
    /// </summary>
    public static async Task<IReadOnlyList<T>> FirstFoundAsync<T>(IEnumerable<string?> candidates, Func<string?, Task<IReadOnlyList<T>>> list)
    {
        IReadOnlyList<T> found = [];
        foreach (var candidate in candidates)
        {
            found = await list(candidate);
            if (found.Count > 0)
            {
                break;
            }
        }

        return found;
    }

    private static (string ProjectKey, byte[] Block)? Split(string id)
    {
        var separator = id.IndexOf(Separator);
        var hex = id.AsSpan(separator + 1);
        return separator > 0 && hex.Length == 2 * CustomerIdBytes && ProjectKeyFormat.IsValid(id[..separator]) && !hex.ContainsAnyExcept("0123456789abcdef")
            ? (id[..separator], Convert.FromHexString(hex))
            : null;
    }

    private ProjectKeys KeysOf(string projectKey)
    {
        if (_projectKeys.TryGetValue(projectKey, out var kept))
        {
            return kept;
        }

        var derived = new ProjectKeys(keys.DeriveKeys($"servicedesk.directory customer ids of project {projectKey}"));
        if (_projectKeys.Count < MaxProjectsKept)
        {
            _projectKeys.TryAdd(projectKey, derived);
        }

        return derived;
    }

    /// <summary>One AES block under <paramref name="key"/>: a permutation of 16-byte ids per key, so every scoped id maps back to exactly one id.</summary>
    private static byte[] Decrypt(byte[] key, byte[] block)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        return aes.DecryptEcb(block, PaddingMode.None);
    }

    /// <summary>A project's derived keys, current first, encryptors under the current one, and the ids made lately.</summary>
    private sealed class ProjectKeys(IReadOnlyList<byte[]> keys)
    {
        /// <summary>
        /// Ids remembered per project at most; past it the project starts over, so memory stays bounded. A suggestion
        /// list answers ten ids, mostly the same customers call after call: encrypting them each time was a tenth of its cost.
        /// </summary>
        private const int MaxIdsKept = 100_000;

        private readonly ConcurrentDictionary<string, string> _scopedIds = new(StringComparer.Ordinal);

        // A suggestion list encrypts one id per customer: making an AES object and key schedule for each was most of
        // its cost. An ECB encryptor without padding keeps no state between blocks, so one serves call after call;
        // it is not thread-safe, hence one per concurrent caller.
        private readonly ConcurrentBag<ICryptoTransform> _encryptors = [];

        public IReadOnlyList<byte[]> Keys { get; } = keys;

        public string? Known(string customerId) => _scopedIds.GetValueOrDefault(customerId);

        public string Remember(string customerId, string scopedId) => _scopedIds.Remember(customerId, scopedId, MaxIdsKept);

        public byte[] Encrypt(byte[] block)
        {
            var encryptor = _encryptors.TryTake(out var kept) ? kept : NewEncryptor(Keys[0]);
            var encrypted = new byte[block.Length];
            encryptor.TransformBlock(block, 0, block.Length, encrypted, 0);
            _encryptors.Add(encryptor);
            return encrypted;
        }

        private static ICryptoTransform NewEncryptor(byte[] key)
        {
            using var aes = Aes.Create();
            aes.Mode = CipherMode.ECB;
            aes.Padding = PaddingMode.None;
            return aes.CreateEncryptor(key, null);
        }
    }
}

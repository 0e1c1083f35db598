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

    private readonly ConcurrentDictionary<string, IReadOnlyList<byte[]>> _projectKeys = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="customerId"/> has the shape of a customer's own id (32 lower-case hex digits).</summary>
    public static bool IsCustomerId(string customerId) =>
        customerId.Length == 2 * CustomerIdBytes && !customerId.AsSpan().ContainsAnyExcept("0123456789abcdef");

    public string For(string customerId, string projectKey) =>
        $"{projectKey}{Separator}{Convert.ToHexStringLower(Transform(KeysOf(projectKey)[0], Convert.FromHexString(customerId), encrypt: true))}";

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
        customerIds = [.. KeysOf(project).Select(key => Convert.ToHexStringLower(Transform(key, block, encrypt: false)))];
        return true;
    }

    private static (string ProjectKey, byte[] Block)? Split(string id)
    {
        var separator = id.IndexOf(Separator);
        var hex = id.AsSpan(separator + 1);
        return separator > 0 && hex.Length == 2 * CustomerIdBytes && ProjectKeyFormat.IsValid(id[..separator]) && !hex.ContainsAnyExcept("0123456789abcdef")
            ? (id[..separator], Convert.FromHexString(hex))
            : null;
    }

    private IReadOnlyList<byte[]> KeysOf(string projectKey)
    {
        if (_projectKeys.TryGetValue(projectKey, out var kept))
        {
            return kept;
        }

        var derived = keys.DeriveKeys($"servicedesk.directory customer ids of project {projectKey}");
        if (_projectKeys.Count < MaxProjectsKept)
        {
            _projectKeys.TryAdd(projectKey, derived);
        }

        return derived;
    }

    /// <summary>One AES block: a permutation of 16-byte ids per key, so every scoped id maps back to exactly one id.</summary>
    private static byte[] Transform(byte[] key, byte[] block, bool encrypt)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        return encrypt ? aes.EncryptEcb(block, PaddingMode.None) : aes.DecryptEcb(block, PaddingMode.None);
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;

namespace ServiceDesk.Identity.Keys;

/// <summary>
/// The signing keys in force, loaded from the store. Rotation without downtime: a successor is created
/// <see cref="KeyOptions.PublishLead"/> before the current key retires, so it is in the published set (and
/// every service's cached copy) before it signs; a retired key stays published until the last token it
/// signed has expired (<see cref="Retention"/>). Identity validates its own tokens against the same set.
/// </summary>
public sealed partial class KeyRing(ISigningKeyStore store, IdentityOptions options, AuthOptions auth, TimeProvider time, ILogger<KeyRing> logger)
    : IConfigurationManager<OpenIdConnectConfiguration>, IDisposable
{
    private const string Curve = "P-256";
    private readonly SemaphoreSlim _maintaining = new(1, 1);
    private volatile Snapshot? _snapshot;

    /// <summary>How long a key stays published after it stops signing: until its last token expired everywhere.</summary>
    public TimeSpan Retention => options.Tokens.AccessTokenLifetime + auth.ClockSkew;

    /// <summary>Creates the keys that are due, deletes withdrawn ones and loads the rest (also other replicas' keys).</summary>
    public async Task MaintainAsync(CancellationToken cancellationToken)
    {
        await _maintaining.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            await store.DeleteWithdrawnAsync(now, cancellationToken);
            var keys = await store.ListAsync(cancellationToken);
            if (!keys.Any(k => k.ActivatesAt <= now && now < k.RetiresAt))
            {
                await CreateAsync(StartOfRotation(now), now, cancellationToken);
                keys = await store.ListAsync(cancellationToken);
            }

            while (keys.Max(k => k.RetiresAt) - now <= options.Keys.PublishLead)
            {
                await CreateAsync(keys.Max(k => k.RetiresAt), now, cancellationToken);
                keys = await store.ListAsync(cancellationToken);
            }

            _snapshot = Load(keys.Where(k => k.WithdrawAt > now), _snapshot);
        }
        finally
        {
            _maintaining.Release();
        }
    }

    /// <summary>The credentials of the key that signs now: the active key that activated last.</summary>
    public async Task<SigningCredentials> GetSigningCredentialsAsync(CancellationToken cancellationToken)
    {
        return Active(await GetSnapshotAsync(cancellationToken)) ?? Active(await ReloadAsync(cancellationToken))
            ?? throw new UnavailableException("No signing key is available; retry later.");

        SigningCredentials? Active(Snapshot snapshot)
        {
            var now = time.GetUtcNow().UtcDateTime;
            return snapshot.Keys.Where(k => k.Key.ActivatesAt <= now && now < k.Key.RetiresAt).MaxBy(k => k.Key.ActivatesAt)?.Credentials;
        }
    }

    /// <summary>The published keys (signing, retired-but-valid and upcoming) as an RFC 7517 key set.</summary>
    public async Task<IReadOnlyList<JsonWebKey>> GetPublishedKeysAsync(CancellationToken cancellationToken) =>
        (await GetSnapshotAsync(cancellationToken)).Configuration.JsonWebKeySet.Keys.ToList();

    public async Task<string> GetJwksJsonAsync(CancellationToken cancellationToken) =>
        (await GetSnapshotAsync(cancellationToken)).JwksJson;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel) =>
        (await GetSnapshotAsync(cancel)).Configuration;

    /// <summary>Nothing to do: keys are reloaded every <see cref="KeyOptions.CheckInterval"/>, long before a new one signs.</summary>
    public void RequestRefresh()
    {
    }

    public void Dispose() => _maintaining.Dispose();

    private async Task<Snapshot> GetSnapshotAsync(CancellationToken cancellationToken) =>
        _snapshot ?? await ReloadAsync(cancellationToken);

    private async Task<Snapshot> ReloadAsync(CancellationToken cancellationToken)
    {
        await MaintainAsync(cancellationToken);
        return _snapshot!;
    }

    /// <summary>
    /// Where the rotation period holding <paramref name="now"/> began, counted from the Unix epoch: replicas that
    /// start together on an empty store each create a first key, and this gives theirs one id, so the store keeps one
    /// of them and every replica signs and publishes the same key. A first key from the time of its own start had an
    /// id per replica; each replica signed with its own until its next check, and a token reached a service that had
    /// the other replica's key set refused.
    /// </summary>
    private DateTime StartOfRotation(DateTime now)
    {
        var interval = options.Keys.RotationInterval.Ticks;
        return DateTime.UnixEpoch.AddTicks((now - DateTime.UnixEpoch).Ticks / interval * interval);
    }

    private async Task CreateAsync(DateTime activatesAt, DateTime now, CancellationToken cancellationToken)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var retiresAt = activatesAt + options.Keys.RotationInterval;
        var key = new SigningKey
        {
            Id = SigningKey.IdFor(activatesAt),
            PrivateKey = ecdsa.ExportPkcs8PrivateKey(),
            CreatedAt = now,
            ActivatesAt = activatesAt,
            RetiresAt = retiresAt,
            WithdrawAt = retiresAt + Retention,
        };
        if (await store.TryAddAsync(key, cancellationToken))
        {
            LogCreated(key.Id, key.ActivatesAt, key.RetiresAt);
        }
    }

    private Snapshot Load(IEnumerable<SigningKey> keys, Snapshot? previous)
    {
        var loaded = keys
            .OrderBy(k => k.ActivatesAt)
            .Select(key => previous?.Keys.FirstOrDefault(k => k.Key.Id == key.Id) ?? LoadedKey.From(key))
            .ToList();
        var keySet = new JsonWebKeySet();
        var configuration = new OpenIdConnectConfiguration { Issuer = auth.Issuer, JsonWebKeySet = keySet };
        foreach (var key in loaded)
        {
            keySet.Keys.Add(key.PublicKey);
            configuration.SigningKeys.Add(key.PublicKey);
        }

        var json = JsonSerializer.Serialize(new
        {
            keys = loaded.Select(k => new { kty = k.PublicKey.Kty, use = k.PublicKey.Use, alg = k.PublicKey.Alg, kid = k.PublicKey.Kid, crv = k.PublicKey.Crv, x = k.PublicKey.X, y = k.PublicKey.Y }),
        });
        return new Snapshot(loaded, configuration, json);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing key {KeyId} created: published now, signs from {ActivatesAt:o} until {RetiresAt:o}")]
    private partial void LogCreated(string keyId, DateTime activatesAt, DateTime retiresAt);

    private sealed record Snapshot(IReadOnlyList<LoadedKey> Keys, OpenIdConnectConfiguration Configuration, string JwksJson);

    private sealed record LoadedKey(SigningKey Key, SigningCredentials Credentials, JsonWebKey PublicKey)
    {
        public static LoadedKey From(SigningKey key)
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(key.PrivateKey, out _);
            var point = ecdsa.ExportParameters(includePrivateParameters: false).Q;
            var credentials = new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = key.Id }, AuthExtensions.SigningAlgorithm);
            var publicKey = new JsonWebKey
            {
                Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
                Use = JsonWebKeyUseNames.Sig,
                Alg = AuthExtensions.SigningAlgorithm,
                Kid = key.Id,
                Crv = Curve,
                X = Base64UrlEncoder.Encode(point.X),
                Y = Base64UrlEncoder.Encode(point.Y),
            };
            return new LoadedKey(key, credentials, publicKey);
        }
    }
}

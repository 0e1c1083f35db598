using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Directory.Erasure;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Identity.Keys;
using ServiceDesk.Storage;
using ServiceDesk.Storage.LiteDb;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Directory.Tests.KeysAtRest;

/// <summary>
/// Directory's customer keys and Identity's private signing keys are stored wrapped under the key-encryption
/// key (KeyProtection:Key): a store file alone, without that key, yields no usable key.
/// </summary>
public sealed class KeysAtRestTests : IClassFixture<RedisFixture>
{
    private readonly RedisFixture _redis;

    public KeysAtRestTests(RedisFixture redis) => _redis = redis;

    private Dictionary<string, string?> Settings(params (string Key, string? Value)[] overrides)
    {
        var settings = new Dictionary<string, string?> { ["Redis:Configuration"] = _redis.Configuration };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task Directorys_file_holds_no_customer_key_and_opens_only_under_its_key_encryption_key()
    {
        var dataDirectory = TestDirectory.Create("directory");
        var clearKeys = new Dictionary<string, byte[]>();
        SignedEvidence evidence;
        await using (var directory = await ServiceHost.StartAsync(ServiceApps.Directory, Settings(), dataDirectory))
        {
            var keys = directory.Services.GetRequiredService<ICustomerKeyStore>();
            for (var i = 0; i < 20; i++)
            {
                var key = await keys.GetOrCreateForCustomerAsync($"customer-{i}", CancellationToken.None);
                clearKeys[key.KeyId] = key.Key.ToByteArray();
            }

            evidence = await directory.Services.GetRequiredService<EvidenceSigner>().ExportAsync(Removal(), CancellationToken.None);
        }

        var files = ReadFiles(dataDirectory);
        Assert.True(files.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(clearKeys.Keys.First())) >= 0, "the key records are not in the file; the scan below would prove nothing");
        Assert.All(clearKeys.Values, key => Assert.Equal(-1, files.AsSpan().IndexOf(key)));

        using (var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, "directory"))
        {
            var wrongKek = new LiteDbCustomerKeyStore(database, TestKeyProtection.WrapperOf(TestKeyProtection.NewKey()), TimeProvider.System);
            await Assert.ThrowsAnyAsync<CryptographicException>(() => wrongKek.FindAsync(clearKeys.Keys.First(), CancellationToken.None));
        }

        // Rotation: the new KEK current, the old one retired; one start re-wraps every key, after which the old one can go.
        var newKek = TestKeyProtection.NewKey();
        await using (var rotating = await ServiceHost.StartAsync(
            ServiceApps.Directory, Settings(("KeyProtection:Key", newKek), ("KeyProtection:RetiredKeys:0", TestKeyProtection.Key)), dataDirectory))
        {
            await rotating.Services.GetRequiredService<CustomerKeyRewrap>().Completed.WaitAsync(Eventually.DefaultTimeout);
        }

        await using (var rotated = await ServiceHost.StartAsync(ServiceApps.Directory, Settings(("KeyProtection:Key", newKek)), dataDirectory))
        {
            var keys = rotated.Services.GetRequiredService<ICustomerKeyStore>();
            foreach (var (keyId, key) in clearKeys)
            {
                Assert.Equal(key, (await keys.FindAsync(keyId, CancellationToken.None))!.Key);
            }

            // The evidence signing key too: the same key, whose public half verifiers have pinned, still signs.
            var signed = await rotated.Services.GetRequiredService<EvidenceSigner>().ExportAsync(Removal(), CancellationToken.None);
            Assert.Equal((evidence.KeyId, evidence.PublicKeyPem), (signed.KeyId, signed.PublicKeyPem));
        }

        // Under a KEK that never wrapped them, Directory does not start, and says why.
        var error = await Assert.ThrowsAnyAsync<CryptographicException>(() =>
            ServiceHost.StartAsync(ServiceApps.Directory, Settings(("KeyProtection:Key", TestKeyProtection.NewKey())), dataDirectory));
        Assert.Contains("KeyProtection:RetiredKeys", error.Message, StringComparison.Ordinal);
    }

    private static ErasureRecord Removal()
    {
        var at = DateTimeOffset.UtcNow;
        return new ErasureRecord(
            Guid.CreateVersion7(at).ToString("N"), TestData.Id(), null, ErasureMode.Anonymize, ErasureReason.CustomerRequest, null, "account", null,
            ErasureStatus.AwaitingApproval, at, at + ErasureRecord.TimeToComply, null, [], at, Version: 1);
    }

    [Fact]
    public async Task Identitys_file_holds_no_private_signing_key_and_opens_only_under_its_key_encryption_key()
    {
        var dataDirectory = TestDirectory.Create("identity");
        IReadOnlyList<SigningKey> signingKeys;
        await using (var identity = await ServiceHost.StartAsync(ServiceApps.Identity, IdentityTestHost.Settings(_redis.Configuration), dataDirectory))
        {
            await identity.AdminTokenAsync();
            signingKeys = await identity.Services.GetRequiredService<ISigningKeyStore>().ListAsync(CancellationToken.None);
        }

        Assert.NotEmpty(signingKeys);
        var files = ReadFiles(dataDirectory);
        Assert.True(files.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(signingKeys[0].Id)) >= 0, "the key records are not in the file; the scan below would prove nothing");
        Assert.All(signingKeys, key => Assert.Equal(-1, files.AsSpan().IndexOf(key.PrivateKey)));

        using var database = LiteDbFiles.Open(new StorageOptions { DataDirectory = dataDirectory }, "identity");
        var wrongKek = new LiteDbSigningKeyStore(database, TestKeyProtection.WrapperOf(TestKeyProtection.NewKey()));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => wrongKek.ListAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("directory")]
    [InlineData("identity")]
    public async Task A_service_that_stores_keys_does_not_start_without_a_key_encryption_key(string service)
    {
        var app = service == "directory" ? ServiceApps.Directory : ServiceApps.Identity;

        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceHost.StartAsync(app, Settings(("KeyProtection:Key", null))));
        var malformed = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceHost.StartAsync(app, Settings(("KeyProtection:Key", "c2hvcnQ="))));

        Assert.StartsWith("KeyProtection:Key is required", missing.Message, StringComparison.Ordinal);
        Assert.StartsWith("KeyProtection:Key must be base64 of exactly 32 bytes", malformed.Message, StringComparison.Ordinal);
    }

    private static byte[] ReadFiles(string dataDirectory) =>
        [.. System.IO.Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories).SelectMany(File.ReadAllBytes)];
}

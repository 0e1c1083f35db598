using Microsoft.Extensions.Logging.Abstractions;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Identity.Keys;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Identity.Tests;

/// <summary>Replicas of Identity keeping their signing keys in one store.</summary>
public sealed class KeyRingTests
{
    [Fact]
    public async Task Replicas_that_start_together_on_an_empty_store_sign_and_publish_one_key()
    {
        var store = new LiteDbSigningKeyStore(StoreBackends.NewLiteDatabase("identity"), TestKeyProtection.Wrapper);
        var bothListed = new Rendezvous(2);
        using var first = NewRing(new ListingTogether(store, bothListed));
        using var second = NewRing(new ListingTogether(store, bothListed));

        await Task.WhenAll(Task.Run(() => first.MaintainAsync(default)), Task.Run(() => second.MaintainAsync(default)));

        var stored = await store.ListAsync(default);
        var signing = new[] { (await first.GetSigningCredentialsAsync(default)).Key.KeyId, (await second.GetSigningCredentialsAsync(default)).Key.KeyId };
        Assert.Single(stored, key => key.ActivatesAt <= DateTime.UtcNow);
        Assert.Equal(signing[0], signing[1]);
        Assert.Equal(stored.Select(k => k.Id).Order(), (await first.GetPublishedKeysAsync(default)).Select(k => k.Kid).Order());
        Assert.Equal(stored.Select(k => k.Id).Order(), (await second.GetPublishedKeysAsync(default)).Select(k => k.Kid).Order());
    }

    private static KeyRing NewRing(ISigningKeyStore store) =>
        new(store, new IdentityOptions(), new AuthOptions(), TimeProvider.System, NullLogger<KeyRing>.Instance);

    private sealed class Rendezvous(int parties)
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task ArriveAsync()
        {
            if (Interlocked.Increment(ref _arrived) == parties)
            {
                _all.SetResult();
            }

            return _all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>The real store, whose first listing returns only once every replica has listed: both find it empty.</summary>
    private sealed class ListingTogether(ISigningKeyStore store, Rendezvous firstListing) : ISigningKeyStore
    {
        private int _listings;

        public async Task<IReadOnlyList<SigningKey>> ListAsync(CancellationToken cancellationToken)
        {
            var keys = await store.ListAsync(cancellationToken);
            if (Interlocked.Increment(ref _listings) == 1)
            {
                await firstListing.ArriveAsync();
            }

            return keys;
        }

        public Task<bool> TryAddAsync(SigningKey key, CancellationToken cancellationToken) => store.TryAddAsync(key, cancellationToken);

        public Task<int> DeleteWithdrawnAsync(DateTime now, CancellationToken cancellationToken) => store.DeleteWithdrawnAsync(now, cancellationToken);
    }
}

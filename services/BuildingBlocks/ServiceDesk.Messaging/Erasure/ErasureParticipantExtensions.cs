using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Erasure.V1;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting.Startup;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Storage;

namespace ServiceDesk.Messaging.Erasure;

public static class ErasureParticipantExtensions
{
    /// <summary>
    /// Makes this service a participant of customer removals: it handles <see cref="CustomerErasureRequested"/> with
    /// <typeparamref name="TErasure"/> (recorded in its erasure ledger, receipts through the outbox) and
    /// <see cref="ErasedAddressesReinstated"/> (the ledger stops refusing the request's addresses), re-applies at start
    /// what a restored store missed, and offers <see cref="ErasedCustomers"/> and <see cref="MentionTokens"/>. Needs <c>Erasure:TombstonePepper</c>.
    /// </summary>
    public static EventBusBuilder AddErasureParticipant<TErasure>(this EventBusBuilder bus)
        where TErasure : class, ICustomerErasure
    {
        var services = bus.Services;
        services.AddSingleton(provider => TombstonePepper.FromConfiguration(provider.GetRequiredService<IConfiguration>()));
        services.AddStore<IErasureLedger, LiteDbErasureLedger, MongoErasureLedger>();
        services.AddSingleton<ErasedCustomers>();
        services.AddSingleton<MentionTokens>();
        // Made on first use, which only a LiteDB-backed service reaches: with MongoDB there is no LiteDatabase to inject.
        services.AddSingleton(provider => new ErasureCheckpoint(provider.GetRequiredService<LiteDB.LiteDatabase>()));
        services.AddScoped<ICustomerErasure, TErasure>();
        services.AddSingleton<IRequestValidator<PreviewErasureRequest>, PreviewErasureValidator>();
        services.AddSingleton<ErasureHistory>();
        services.AddSingleton<ErasureReplay>();
        services.AddHostedService(provider => provider.GetRequiredService<ErasureReplay>());
        // A restored store must not serve what it should have erased.
        services.AddStartupGate<ErasureReplay>(ErasureReplay.HealthCheckName, "re-applying erasure requests missing from the ledger");
        return bus.AddSubscription<CustomerErasureRequested, CustomerErasureHandler>()
            .AddSubscription<ErasedAddressesReinstated, AddressReinstatementHandler>();
    }

    /// <summary>Serves <see cref="ErasureParticipantService"/> (PreviewErasure) to Directory's service identity.</summary>
    public static WebApplication MapErasureParticipant(this WebApplication app)
    {
        app.MapGrpcService<ErasureParticipantGrpcService>();
        return app;
    }
}

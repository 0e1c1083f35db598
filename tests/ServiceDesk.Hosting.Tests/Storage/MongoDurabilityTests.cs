using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using ServiceDesk.Storage;
using ServiceDesk.Storage.MongoDb;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Hosting.Tests.Storage;

public sealed class MongoDurabilityTests
{
    [Fact]
    public void The_client_writes_with_majority_acknowledgement_whatever_the_connection_string_says()
    {
        var settings = MongoDurability.ClientSettings("mongodb://127.0.0.1:1/?replicaSet=rs0&w=1&readPreference=secondaryPreferred");

        Assert.Equal(WriteConcern.WMajority, settings.WriteConcern);
        Assert.Equal(ReadPreference.Primary, settings.ReadPreference);
        Assert.Equal("rs0", settings.ReplicaSetName);
    }

    [Fact]
    public void Transactions_read_a_majority_snapshot_and_commit_with_majority_acknowledgement()
    {
        var options = MongoDurability.TransactionOptions;

        Assert.Equal(ReadConcern.Snapshot, options.ReadConcern);
        Assert.Equal(WriteConcern.WMajority, options.WriteConcern);
        Assert.Equal(ReadPreference.Primary, options.ReadPreference);
    }

    [Fact]
    public async Task The_service_storage_registers_a_client_with_those_settings()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = TestDirectory.Create("mongo-client"), EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:MongoUrl"] = "mongodb://127.0.0.1:1/?w=1" });
        builder.AddServiceStorage("probe");
        await using var app = builder.Build();

        var client = app.Services.GetRequiredService<IMongoClient>();

        Assert.Equal(WriteConcern.WMajority, client.Settings.WriteConcern);
        Assert.Equal("servicedesk-probe", app.Services.GetRequiredService<IMongoDatabase>().DatabaseNamespace.DatabaseName);
    }
}

using MongoDB.Bson;
using ServiceDesk.Storage.MongoDb;
using Xunit;

namespace ServiceDesk.Hosting.Tests.Storage;

public sealed class MongoTopologyTests
{
    [Fact]
    public void A_replica_set_member_runs_transactions() =>
        Assert.Null(MongoTopology.TransactionProblem(new BsonDocument { ["isWritablePrimary"] = true, ["setName"] = "rs0", ["hosts"] = new BsonArray { "db:27017" } }));

    [Fact]
    public void A_sharded_cluster_router_runs_transactions() =>
        Assert.Null(MongoTopology.TransactionProblem(new BsonDocument { ["isWritablePrimary"] = true, ["msg"] = "isdbgrid" }));

    [Fact]
    public void A_standalone_server_is_reported_with_what_to_do() =>
        Assert.Equal(
            MongoTopology.StandaloneProblem,
            MongoTopology.TransactionProblem(new BsonDocument { ["isWritablePrimary"] = true, ["maxWireVersion"] = 25, ["ok"] = 1.0 }));

    [Fact]
    public void A_replica_set_member_never_initiated_is_told_to_initiate_it() =>
        Assert.Equal(
            MongoTopology.UninitiatedProblem,
            MongoTopology.TransactionProblem(new BsonDocument
            {
                ["isWritablePrimary"] = false, ["secondary"] = false, ["isreplicaset"] = true, ["info"] = "Does not have a valid replica set config",
            }));
}

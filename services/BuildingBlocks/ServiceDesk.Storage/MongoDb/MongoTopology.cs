using MongoDB.Bson;

namespace ServiceDesk.Storage.MongoDb;

/// <summary>Whether a server, judged by its <c>hello</c> reply, can run the transactions every store writes in.</summary>
public static class MongoTopology
{
    public const string StandaloneProblem =
        "MongoDB is a standalone server (its hello reply names no replica set): every transactional write would fail. " +
        "Run it as a replica set (one node will do: mongod --replSet rs0, then rs.initiate()) and name it in Storage:MongoUrl.";

    public const string UninitiatedProblem =
        "MongoDB was started as a replica set member (--replSet) but the replica set has no configuration yet: run rs.initiate() once.";

    /// <summary>Null when transactions work: a replica set member (<c>setName</c>) or a sharded cluster's router (<c>msg: isdbgrid</c>).</summary>
    public static string? TransactionProblem(BsonDocument hello)
    {
        if (hello.Contains("setName") || (hello.TryGetValue("msg", out var message) && message == "isdbgrid"))
        {
            return null;
        }

        return hello.TryGetValue("isreplicaset", out var uninitiated) && uninitiated.ToBoolean() ? UninitiatedProblem : StandaloneProblem;
    }
}

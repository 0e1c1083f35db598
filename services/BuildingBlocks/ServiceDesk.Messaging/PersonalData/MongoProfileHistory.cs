using MongoDB.Bson;

namespace ServiceDesk.Messaging.PersonalData;

/// <summary>A <see cref="ProfileHistory"/> in a MongoDB document's "FormerNames" and "FormerAddresses"; none on older documents.</summary>
public static class MongoProfileHistory
{
    public static void Write(ProfileHistory history, BsonDocument document)
    {
        document["FormerNames"] = new BsonArray(history.Names.Select(name => new BsonDocument { ["Text"] = name.Text, ["ChosenByCustomer"] = name.ChosenByCustomer }));
        document["FormerAddresses"] = new BsonArray(history.Addresses);
    }

    public static ProfileHistory Read(BsonDocument document) => new(
        document.TryGetValue("FormerNames", out var names) && names.IsBsonArray
            ? [.. names.AsBsonArray.Select(name => new PreviousName(name["Text"].AsString, name["ChosenByCustomer"].AsBoolean))]
            : [],
        document.TryGetValue("FormerAddresses", out var addresses) && addresses.IsBsonArray ? [.. addresses.AsBsonArray.Select(address => address.AsString)] : []);
}

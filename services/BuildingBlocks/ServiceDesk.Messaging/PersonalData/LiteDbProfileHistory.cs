using LiteDB;

namespace ServiceDesk.Messaging.PersonalData;

/// <summary>A <see cref="ProfileHistory"/> in a LiteDB document's "FormerNames" and "FormerAddresses"; none on older documents.</summary>
public static class LiteDbProfileHistory
{
    public static void Write(ProfileHistory history, BsonDocument document)
    {
        document["FormerNames"] = new BsonArray(history.Names.Select(name => new BsonDocument { ["Text"] = name.Text, ["ChosenByCustomer"] = name.ChosenByCustomer }));
        document["FormerAddresses"] = new BsonArray(history.Addresses.Select(address => new BsonValue(address)));
    }

    public static ProfileHistory Read(BsonDocument document) => new(
        document.TryGetValue("FormerNames", out var names) && names.IsArray
            ? [.. names.AsArray.Select(name => new PreviousName(name["Text"].AsString, name["ChosenByCustomer"].AsBoolean))]
            : [],
        document.TryGetValue("FormerAddresses", out var addresses) && addresses.IsArray ? [.. addresses.AsArray.Select(address => address.AsString)] : []);
}

using System.Text.Json;

namespace ServiceDesk.Directory.Erasure;

/// <summary>
/// How both stores keep a request: the whole record as JSON beside the few fields their indexes and queries
/// need, so the record's shape is defined once.
/// </summary>
internal static class ErasureRecordJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General);

    public static string Serialize(ErasureRecord record) => JsonSerializer.Serialize(record, Options);

    public static ErasureRecord Deserialize(string json) =>
        JsonSerializer.Deserialize<ErasureRecord>(json, Options) ?? throw new InvalidDataException("An erasure request document holds no record.");
}

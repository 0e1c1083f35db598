using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace ServiceDesk.Robustness.Tests.BadInput;

/// <summary>One hostile request to a gateway endpoint: what it tries, its path and query, and its raw body (null: none).</summary>
public sealed record MalformedHttpRequest(string Description, string PathAndQuery, byte[]? Body);

/// <summary>
/// Hostile requests for any gateway endpoint, generated from its route pattern, its handler's query parameters and
/// its body type, so an endpoint added later is swept without anyone writing its cases: hostile route values
/// (MongoDB operators, LiteDB expressions, invalid UTF-8, oversized), negative, huge and non-numeric paging,
/// forged page tokens, bodies that are empty, not JSON, invalid UTF-8, of the wrong JSON type field by field,
/// with huge arrays, deeply nested or over the size limit.
/// </summary>
public static class MalformedHttpRequests
{
    private static readonly string[] HostileValues =
    [
        """{"$gt": ""}""",
        "$where: 1 == 1",
        "$.Address",
        "LOWER($.Address) LIKE '%'",
        "' OR 1=1 --",
        "*",
        "..",
        "a\0b",
        "\u202Egnp.exe",
        "   ",
        new string('x', 10_000),
    ];

    private static readonly string[] HostileQueryValues =
    [
        "-1",
        "2147483648",
        "99999999999999999999",
        "abc",
        "AAAA",
        "not base64 !",
        Convert.ToBase64String(new byte[48]),
        new string('A', 10_000),
        """{"$gt": ""}""",
        "%C3%28%FF",
    ];

    public static IEnumerable<MalformedHttpRequest> For(RouteEndpoint endpoint)
    {
        var pattern = endpoint.RoutePattern.RawText!;
        var routeValues = endpoint.RoutePattern.Parameters.Select(parameter => parameter.Name).ToList();
        var handler = endpoint.Metadata.GetMetadata<MethodInfo>();
        var bodyType = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        var query = handler?.GetParameters()
            .Where(parameter => parameter.Name is not null && !routeValues.Contains(parameter.Name, StringComparer.OrdinalIgnoreCase) && IsSimple(parameter.ParameterType))
            .Select(parameter => parameter.Name!)
            .ToList() ?? [];
        var validBody = bodyType is null ? null : JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>());
        string Path(IReadOnlyDictionary<string, string>? values = null) =>
            routeValues.Aggregate(pattern, (path, name) => path.Replace($"{{{name}}}", values?.GetValueOrDefault(name) ?? "x", StringComparison.Ordinal));

        yield return new("plain", Path(), validBody);

        foreach (var name in routeValues)
        {
            foreach (var value in HostileValues)
            {
                yield return new($"{name} = {Describe(value)}", Path(new Dictionary<string, string> { [name] = Uri.EscapeDataString(value) }), validBody);
            }

            yield return new($"{name}: invalid UTF-8", Path(new Dictionary<string, string> { [name] = "%C3%28%FF%FE" }), validBody);
        }

        foreach (var name in query)
        {
            foreach (var value in HostileQueryValues)
            {
                var escaped = value.StartsWith('%') ? value : Uri.EscapeDataString(value);
                yield return new($"?{name}={Describe(value)}", $"{Path()}?{name}={escaped}", validBody);
            }
        }

        if (bodyType is null)
        {
            yield break;
        }

        yield return new("no body", Path(), null);
        yield return new("empty body", Path(), []);
        yield return new("not JSON", Path(), "{{{ not json"u8.ToArray());
        yield return new("a JSON array", Path(), "[1,2,3]"u8.ToArray());
        yield return new("JSON null", Path(), "null"u8.ToArray());
        yield return new("invalid UTF-8", Path(), [.. "{\"x\":\""u8.ToArray(), 0xC3, 0x28, 0xFF, 0xFE, .. "\"}"u8.ToArray()]);
        yield return new("nested 10,000 deep", Path(), Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)));
        yield return new("over the size limit", Path(), Encoding.UTF8.GetBytes($"{{\"x\":\"{new string('a', 2 * 1024 * 1024)}\"}}"));

        foreach (var property in bodyType.GetProperties())
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            foreach (var (kind, value) in WrongJson(property.PropertyType))
            {
                yield return new($"{name}: {kind}", Path(), Encoding.UTF8.GetBytes($"{{\"{name}\":{value}}}"));
            }

            if (property.PropertyType == typeof(string))
            {
                foreach (var value in HostileValues)
                {
                    yield return new($"{name} = {Describe(value)}", Path(), JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { [name] = value }));
                }

                yield return new($"{name}: invalid UTF-8", Path(), [.. Encoding.UTF8.GetBytes($"{{\"{name}\":\""), 0xC3, 0x28, 0xFF, 0xFE, .. "\"}"u8.ToArray()]);
            }
        }
    }

    private static IEnumerable<(string Kind, string Json)> WrongJson(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying != typeof(string))
        {
            yield return ("a string", "\"12\"");
        }

        if (underlying != typeof(int) && underlying != typeof(long))
        {
            yield return ("a number", "12");
        }
        else
        {
            yield return ("-1", "-1");
            yield return ("beyond its range", "99999999999999999999");
            yield return ("a fraction", "1.5");
        }

        if (underlying != typeof(bool))
        {
            yield return ("a boolean", "true");
        }

        yield return ("an object", """{"$gt": ""}""");
        yield return ("100,000 entries", "[" + string.Join(',', Enumerable.Repeat("\"x\"", 100_000)) + "]");
    }

    private static bool IsSimple(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is var underlying && (underlying.IsPrimitive || underlying == typeof(string));

    private static string Describe(string value) =>
        value.Length > 40 ? $"{value.Length:N0} chars" : JsonSerializer.Serialize(value);
}

using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace ServiceDesk.Robustness.Tests.BadInput;

/// <summary>One malformed request body and what it tries.</summary>
public sealed record MalformedInput(string Description, byte[] Body);

/// <summary>
/// Hostile request bodies for any message type, generated from its descriptor so that an RPC added later is
/// swept without anyone writing its cases: bytes that are not protobuf, strings shaped like MongoDB operators,
/// LiteDB expressions, control and bidi characters, invalid UTF-8, oversized strings, huge repeated fields,
/// negative and huge numbers, unknown enum values and forged page tokens.
/// </summary>
public static class MalformedInputs
{
    private static readonly string[] HostileStrings =
    [
        """{"$gt": ""}""",
        "$where: 1 == 1",
        "$.Address",
        "' OR 1=1 --",
        "*",
        "../../../../etc/passwd",
        "a\0b",
        "\u202Egnp.exe",
        "\u200B",
        "   ",
        "%00",
        "HELP-99999999999999999999",
        new string('x', 70_000),
    ];

    private static readonly string[] ForgedPageTokens =
    [
        "AAAA",
        "not base64 !",
        Convert.ToBase64String(new byte[48]),
        new string('A', 10_000),
    ];

    public static IEnumerable<MalformedInput> For(MessageDescriptor type)
    {
        yield return new("no fields", []);
        yield return new("bytes that are not protobuf", [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);
        yield return new("a truncated field", [0x0A, 0x10, 0x61]);

        foreach (var field in type.Fields.InDeclarationOrder())
        {
            foreach (var input in ForField(type, field))
            {
                yield return input;
            }
        }

        var everyString = New(type);
        foreach (var field in type.Fields.InDeclarationOrder().Where(f => f.FieldType == FieldType.String && !f.IsRepeated && !f.IsMap))
        {
            field.Accessor.SetValue(everyString, """{"$ne": null}""");
        }

        yield return new("every string an operator", everyString.ToByteArray());
        yield return new("over the request size limit", WithRawString(type.Fields.InDeclarationOrder().FirstOrDefault()?.FieldNumber ?? 1, new byte[2 * 1024 * 1024]));
    }

    private static IEnumerable<MalformedInput> ForField(MessageDescriptor type, FieldDescriptor field)
    {
        if (field.IsMap)
        {
            yield break;
        }

        switch (field.FieldType)
        {
            case FieldType.String when field.IsRepeated:
                yield return new($"{field.Name}: 100,000 entries", With(type, field, Enumerable.Repeat("x", 100_000)));
                yield return new($"{field.Name}: hostile entries", With(type, field, HostileStrings));
                yield return new($"{field.Name}: invalid UTF-8 entry", WithRawString(field, [0xC3, 0x28, 0xFF, 0xFE]));
                break;
            case FieldType.String:
                foreach (var value in field.Name.Contains("page_token", StringComparison.Ordinal) ? [.. ForgedPageTokens, .. HostileStrings] : HostileStrings)
                {
                    yield return new($"{field.Name} = {Describe(value)}", With(type, field, value));
                }

                yield return new($"{field.Name}: invalid UTF-8", WithRawString(field, [0xC3, 0x28, 0xFF, 0xFE]));
                break;
            case FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 when !field.IsRepeated:
                foreach (var value in new[] { -1, int.MinValue, int.MaxValue })
                {
                    yield return new($"{field.Name} = {value}", With(type, field, value));
                }

                break;
            case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 when !field.IsRepeated:
                foreach (var value in new[] { -1L, long.MinValue, long.MaxValue })
                {
                    yield return new($"{field.Name} = {value}", With(type, field, value));
                }

                break;
            case FieldType.Enum when !field.IsRepeated:
                yield return new($"{field.Name} = unknown enum value", [.. Varint((uint)field.FieldNumber << 3), .. Varint(9999)]);
                break;
            case FieldType.Bytes when !field.IsRepeated:
                yield return new($"{field.Name}: 900 KB", With(type, field, ByteString.CopyFrom(new byte[900 * 1024])));
                break;
        }
    }

    private static IMessage New(MessageDescriptor type) => type.Parser.ParseFrom(ByteString.Empty);

    private static byte[] With(MessageDescriptor type, FieldDescriptor field, object value)
    {
        var message = New(type);
        field.Accessor.SetValue(message, value);
        return message.ToByteArray();
    }

    private static byte[] With(MessageDescriptor type, FieldDescriptor field, IEnumerable<string> values)
    {
        var message = New(type);
        var list = (IList)field.Accessor.GetValue(message);
        foreach (var value in values)
        {
            list.Add(value);
        }

        return message.ToByteArray();
    }

    // Built by hand: the protobuf library would not write a string that is not UTF-8.
    private static byte[] WithRawString(FieldDescriptor field, byte[] value) => WithRawString(field.FieldNumber, value);

    private static byte[] WithRawString(int fieldNumber, byte[] value) =>
        [.. Varint(((uint)fieldNumber << 3) | 2), .. Varint((uint)value.Length), .. value];

    private static byte[] Varint(uint value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }

    private static string Describe(string value) =>
        value.Length > 40 ? $"{value.Length:N0} chars" : System.Text.Json.JsonSerializer.Serialize(value);
}

using System.Text;

namespace ServiceDesk.Gateway.Api;

/// <summary>
/// Proto enums in the API as snake_case names without their prefix and without "unspecified":
/// <c>TicketStatus.WaitingForCustomer</c> is <c>"waiting_for_customer"</c>.
/// </summary>
public static class ApiEnum<T>
    where T : struct, Enum
{
    /// <summary>Every value but the unspecified one, by its name in the API: formatted once, not on every parse.</summary>
    private static readonly OrderedDictionary<string, T> ByName =
        new(Enum.GetValues<T>().Skip(1).Select(candidate => KeyValuePair.Create(Format(candidate), candidate)), StringComparer.Ordinal);

    public static string Format(T value)
    {
        var name = value.ToString();
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }

    /// <summary>
    /// Null or empty is the unspecified value; anything but one of <see cref="Names"/> exactly as written there is false:
    /// "Closed", "CLOSED" or "c_losed" too, which a proxy or firewall in front, reading the body as the API documents
    /// it, would not take for "closed" (and .NET would read "open,resolved" as the two values' bits combined, and a number
    /// as any value).
    /// </summary>
    public static bool TryParse(string? text, out T value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        return ByName.TryGetValue(text, out value);
    }

    /// <summary>The names a client may send, for error messages.</summary>
    public static string Names => string.Join(", ", ByName.Keys);
}

using System.Text;

namespace ServiceDesk.Gateway.Api;

/// <summary>
/// Proto enums in the API as snake_case names without their prefix and without "unspecified":
/// <c>TicketStatus.WaitingForCustomer</c> is <c>"waiting_for_customer"</c>.
/// </summary>
public static class ApiEnum<T>
    where T : struct, Enum
{
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
    /// Null or empty is the unspecified value; an unknown name is false, and so is anything but one name (.NET
    /// would read "open,resolved" as the two values' bits combined, and a number as any value).
    /// </summary>
    public static bool TryParse(string? text, out T value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        var compact = text.Replace("_", string.Empty, StringComparison.Ordinal);
        return compact.Length > 0
            && char.IsAsciiLetter(compact[0])
            && compact.All(char.IsAsciiLetterOrDigit)
            && !compact.Equals("unspecified", StringComparison.OrdinalIgnoreCase)
            && Enum.TryParse(compact, ignoreCase: true, out value)
            && Enum.IsDefined(value);
    }

    /// <summary>The names a client may send, for error messages.</summary>
    public static string Names => string.Join(", ", Enum.GetValues<T>().Skip(1).Select(Format));
}

namespace ServiceDesk.Hosting.Validation;

public static class ProjectKeyFormat
{
    public static bool IsValid(string key) =>
        key.Length is >= 2 and <= 10 && char.IsAsciiLetterUpper(key[0]) && key.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));
}

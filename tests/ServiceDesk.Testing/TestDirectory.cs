namespace ServiceDesk.Testing;

/// <summary>Fresh directories under the system temp folder for LiteDB files and Redis data.</summary>
public static class TestDirectory
{
    public static string Create(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), "servicedesk-tests", $"{purpose}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}

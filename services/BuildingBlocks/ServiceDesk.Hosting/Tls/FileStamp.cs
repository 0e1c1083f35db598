namespace ServiceDesk.Hosting.Tls;

/// <summary>
/// When the file a path finally names was last written, following symbolic links. A Kubernetes Secret volume
/// (cert-manager's certificates) holds each key as a link <c>tls.crt -&gt; ..data/tls.crt</c>, and kubelet renews
/// it by writing a new hidden directory and swapping the <c>..data</c> link: the link <c>tls.crt</c> itself never
/// changes, and <see cref="File.GetLastWriteTimeUtc(string)"/> reads the link's own time, not its target's.
/// </summary>
internal static class FileStamp
{
    public static DateTime Of(string path) =>
        File.GetLastWriteTimeUtc(File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path);
}

using Grpc.Core;
using ServiceDesk.Ops;

try
{
    return args is ["verify-evidence", ..]
        ? await EvidenceVerification.RunAsync(VerifyEvidenceOption(args, "evidence"), VerifyEvidenceOption(args, "public-key"), Console.Out, CancellationToken.None)
        : await OpsCommand.Parse(args).RunAsync(Console.Out, CancellationToken.None);
}
catch (UsageException exception)
{
    await Console.Error.WriteLineAsync($"{exception.Message}\n\n{OpsCommand.Usage}\n\n{EvidenceVerification.Usage}");
    return 2;
}
catch (IOException exception)
{
    await Console.Error.WriteLineAsync(exception.Message);
    return 2;
}
catch (RpcException exception)
{
    await Console.Error.WriteLineAsync($"{exception.StatusCode}: {exception.Status.Detail}");
    return 1;
}

static string VerifyEvidenceOption(string[] args, string name) =>
    Array.IndexOf(args, $"--{name}") is var at and > 0 && at + 1 < args.Length ? args[at + 1] : throw new UsageException($"verify-evidence needs --{name}.");

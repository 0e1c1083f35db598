using Grpc.Core;
using ServiceDesk.Ops;

try
{
    return await OpsCommand.Parse(args).RunAsync(Console.Out, CancellationToken.None);
}
catch (UsageException exception)
{
    await Console.Error.WriteLineAsync($"{exception.Message}\n\n{OpsCommand.Usage}");
    return 2;
}
catch (RpcException exception)
{
    await Console.Error.WriteLineAsync($"{exception.StatusCode}: {exception.Status.Detail}");
    return 1;
}

using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Hosting.Clients;

namespace ServiceDesk.Ops;

/// <summary>One parsed command line. Credentials come from the environment, never from arguments (they would show in ps).</summary>
public sealed record OpsCommand(string Verb, Uri Service, string? Family, int Limit, string? Entry, Uri? Identity, string? Login, ServiceTlsOptions Tls)
{
    public const string Usage = """
        usage:
          servicedesk-ops backlog --service ADDRESS [--family NAME]
          servicedesk-ops redrive --service ADDRESS --family NAME [--limit N]
          servicedesk-ops discard --service ADDRESS --family NAME --entry ENTRY-ID
        TLS options (https:// addresses): [--ca BUNDLE.pem] [--cert CLIENT.crt --key CLIENT.key]

        ADDRESS is a service's gRPC address, e.g. http://127.0.0.1:7130 (ticketing in the local run), or
        https://... where services serve TLS; --ca names the authorities to trust instead of the machine's, and
        --cert/--key the client certificate that services requiring mutual TLS ask for.
        discard deletes the service's dead letter of stream entry ENTRY-ID (the id its log named when it dead-lettered
        the entry; entry_id in the dead-letter stream) if no re-drive can ever handle it (not signed by a publisher,
        unreadable, not of the family); an authentic event is refused: fix its cause and re-drive it.
        Authentication (admin): an access token in SERVICEDESK_TOKEN, or --identity ADDRESS --login LOGIN
        with the password in SERVICEDESK_PASSWORD.
        """;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static OpsCommand Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("backlog" or "redrive" or "discard"))
        {
            throw new UsageException("The first argument must be backlog, redrive, discard or verify-evidence.");
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new UsageException($"Unexpected argument '{args[i]}'.");
            }

            options[args[i][2..]] = args[i + 1];
        }

        var service = Address(options, "service") ?? throw new UsageException("--service is required.");
        var family = options.GetValueOrDefault("family");
        if (args[0] is "redrive" or "discard" && family is null)
        {
            throw new UsageException($"{args[0]} needs --family.");
        }

        var entry = options.GetValueOrDefault("entry");
        if (args[0] == "discard" && entry is null)
        {
            throw new UsageException("discard needs --entry.");
        }

        var limit = options.TryGetValue("limit", out var text) ? int.TryParse(text, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw new UsageException("--limit must be a number.") : 0;
        var tls = new ServiceTlsOptions { CaPath = options.GetValueOrDefault("ca"), CertificatePath = options.GetValueOrDefault("cert"), KeyPath = options.GetValueOrDefault("key") };
        return new OpsCommand(args[0], service, family, limit, entry, Address(options, "identity"), options.GetValueOrDefault("login"), tls);
    }

    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var headers = new Metadata { { "authorization", $"Bearer {await AccessTokenAsync(cancellationToken)}" } };
        using var channel = Channel(Service);
        var operations = new EventOperations.EventOperationsClient(channel);
        if (Verb == "backlog")
        {
            var backlog = await operations.ListEventBacklogAsync(new ListEventBacklogRequest { Family = Family ?? string.Empty }, headers, DateTime.UtcNow + Deadline, cancellationToken);
            await output.WriteLineAsync($"{"family",-18} {"group",-14} {"pending",8} {"lag",8} {"dead",8} {"consumers",10}");
            foreach (var group in backlog.Groups)
            {
                await output.WriteLineAsync($"{group.Family,-18} {group.Group,-14} {group.Pending,8} {group.Lag,8} {group.DeadLettered,8} {group.Consumers,10}");
            }

            return 0;
        }

        if (Verb == "discard")
        {
            var discarded = await operations.DiscardDeadLetterAsync(new DiscardDeadLetterRequest { Family = Family, EntryId = Entry }, headers, DateTime.UtcNow + Deadline, cancellationToken);
            await output.WriteLineAsync($"discarded the dead letter of entry {Entry} ({discarded.Reason})");
            return 0;
        }

        var result = await operations.RedriveDeadLettersAsync(new RedriveDeadLettersRequest { Family = Family, Limit = Limit }, headers, DateTime.UtcNow + Deadline, cancellationToken);
        await output.WriteLineAsync($"redriven {result.Redriven}, still failing {result.Failed}");
        return result.Failed == 0 ? 0 : 1;
    }

    private async Task<string> AccessTokenAsync(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("SERVICEDESK_TOKEN") is { Length: > 0 } token)
        {
            return token;
        }

        if (Identity is null || Login is null || Environment.GetEnvironmentVariable("SERVICEDESK_PASSWORD") is not { Length: > 0 } password)
        {
            throw new UsageException("No credentials: set SERVICEDESK_TOKEN, or pass --identity and --login with SERVICEDESK_PASSWORD set.");
        }

        using var channel = Channel(Identity);
        var signedIn = await new IdentityService.IdentityServiceClient(channel)
            .SignInAsync(new SignInRequest { Login = Login, Password = password }, deadline: DateTime.UtcNow + Deadline, cancellationToken: cancellationToken);
        return signedIn.AccessToken;
    }

    private GrpcChannel Channel(Uri address) =>
        Tls.NeedsHandler ? GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = Tls.CreateHandler() }) : GrpcChannel.ForAddress(address);

    private static Uri? Address(Dictionary<string, string> options, string name) =>
        !options.TryGetValue(name, out var value) ? null
        : Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri
        : throw new UsageException($"--{name} must be an address such as http://127.0.0.1:7130.");
}

public sealed class UsageException(string message) : Exception(message);

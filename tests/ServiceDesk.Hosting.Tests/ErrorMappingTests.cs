using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Hosting.Tests;

[Collection(RedisCollection.Name)]
public sealed class ErrorMappingTests(RedisFixture redis) : IAsyncLifetime
{
    private const string LeakedAddress = "jane.doe@example.com";

    /// <summary>A host with the shared defaults and one service whose handler throws what the project key says.</summary>
    private static readonly ServiceApp Probe = new(
        "probe",
        "ServiceDesk.Hosting.Tests",
        builder => builder.AddServiceDefaults("probe"),
        app =>
        {
            app.MapServiceDefaults();
            app.MapGrpcService<ThrowingTicketing>();
        });

    private ServiceHost _directory = null!;
    private ServiceHost _probe = null!;

    public async Task InitializeAsync()
    {
        _directory = await ServiceHost.StartAsync(ServiceApps.Directory, new Dictionary<string, string?> { ["Redis:Configuration"] = redis.Configuration });
        _probe = await ServiceHost.StartAsync(Probe, new Dictionary<string, string?>());
    }

    public async Task DisposeAsync()
    {
        await _directory.DisposeAsync();
        await _probe.DisposeAsync();
    }

    [Fact]
    public async Task A_request_with_invalid_fields_gets_invalid_argument_with_every_field_violation()
    {
        var client = new DirectoryService.DirectoryServiceClient(_directory.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.CreateCustomerAsync(new CreateCustomerRequest
        {
            Address = "not-an-address",
            DisplayName = "   ",
            ProjectKeys = { "help desk" },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Equal(["address", "display_name", "project_keys[0]"], badRequest.FieldViolations.Select(v => v.Field).Order());
        Assert.DoesNotContain(badRequest.FieldViolations, v => v.Description.Contains("not-an-address", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_out_of_range_limit_names_the_limit_field()
    {
        var client = new DirectoryService.DirectoryServiceClient(_directory.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SuggestCustomersAsync(
            new SuggestCustomersRequest { ProjectKey = "HELP", Text = "ja", Limit = 51 }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal("limit", violation.Field);
        Assert.Equal("must be between 1 and 50, or 0 (left out) for 10", violation.Description);
    }

    [Theory]
    [InlineData("MISSING", StatusCode.NotFound)]
    [InlineData("TAKEN", StatusCode.AlreadyExists)]
    [InlineData("ERASED", StatusCode.FailedPrecondition)]
    [InlineData("STALE", StatusCode.Aborted)]
    [InlineData("SLOW", StatusCode.ResourceExhausted)]
    [InlineData("FORBIDDEN", StatusCode.PermissionDenied)]
    public async Task Domain_errors_map_to_their_status_code(string key, StatusCode expected)
    {
        var client = new TicketingService.TicketingServiceClient(_probe.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetProjectAsync(new GetProjectRequest { Key = key }).ResponseAsync);

        Assert.Equal(expected, error.StatusCode);
    }

    [Fact]
    public async Task Already_exists_names_the_existing_resource_and_the_field()
    {
        var client = new TicketingService.TicketingServiceClient(_probe.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetProjectAsync(new GetProjectRequest { Key = "TAKEN" }).ResponseAsync);

        var status = error.GetRpcStatus()!;
        Assert.Equal("c-42", status.GetDetail<ResourceInfo>()!.ResourceName);
        Assert.Equal("address", Assert.Single(status.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task An_unexpected_error_is_internal_with_a_reference_and_no_detail_and_its_log_is_redacted()
    {
        var client = new TicketingService.TicketingServiceClient(_probe.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetProjectAsync(new GetProjectRequest { Key = "BUG" }).ResponseAsync);

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.StartsWith("An internal error occurred (reference ", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(LeakedAddress, error.Status.Detail, StringComparison.Ordinal);
        await Eventually.WaitForAsync(() => _probe.Logs.All.Contains("Unhandled error in", StringComparison.Ordinal), "the error to be logged");
        Assert.DoesNotContain(LeakedAddress, _probe.Logs.All, StringComparison.Ordinal);
        Assert.Contains("[redacted-address]", _probe.Logs.All, StringComparison.Ordinal);
    }

    /// <summary>
    /// A body that is not one uncompressed message of the length its prefix declares, sent by anyone, is refused before
    /// any token is read: INVALID_ARGUMENT (UNIMPLEMENTED when compressed), never INTERNAL or UNKNOWN, and nothing is
    /// logged as an error (grpc-dotnet logged each one's stack, a cheap way to flood the logs).
    /// </summary>
    [Theory]
    [InlineData("", null, StatusCode.InvalidArgument)]
    [InlineData("00 00 00", null, StatusCode.InvalidArgument)]
    [InlineData("00 00 00 03 e8 61 62 63", null, StatusCode.InvalidArgument)]
    [InlineData("00 00 00 00 00 00 00 00 00 00", null, StatusCode.InvalidArgument)]
    [InlineData("02 00 00 00 03 61 62 63", null, StatusCode.InvalidArgument)]
    [InlineData("01 00 00 00 03 61 62 63", null, StatusCode.Unimplemented)]
    [InlineData("01 00 00 00 03 61 62 63", "gzip", StatusCode.Unimplemented)]
    [InlineData("00 00 00 00 00", null, StatusCode.OK)]
    public async Task A_body_that_is_not_one_uncompressed_message_is_refused_for_what_it_is(string body, string? encoding, StatusCode expected)
    {
        foreach (var (host, method) in new[] { (_probe, "/grpc.health.v1.Health/Check"), (_directory, "/servicedesk.directory.v1.DirectoryService/GetCustomer") })
        {
            var errorsBefore = Errors(host);

            var answered = await SendRawAsync(host, method, new ByteArrayContent(Convert.FromHexString(body.Replace(" ", string.Empty, StringComparison.Ordinal))), encoding);

            // Past the framing, the empty GetCustomer request reaches validation (no customer_id), before its missing token.
            Assert.Equal(expected == StatusCode.OK && host == _directory ? StatusCode.InvalidArgument : expected, answered);
            Assert.Equal(errorsBefore, Errors(host));
        }
    }

    /// <summary>
    /// A body that arrives in several reads (a pause between its frames, or more than a frame) is checked and then read
    /// by grpc-dotnet like one that arrives at once: the check examines it without consuming it.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(40_000)]
    public async Task A_well_framed_body_arriving_in_parts_is_answered_as_one_arriving_at_once(int serviceNameLength)
    {
        var message = new Grpc.Health.V1.HealthCheckRequest { Service = new string('s', serviceNameLength) }.ToByteArray();
        var body = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)message.Length);
        message.CopyTo(body, 5);
        var errorsBefore = Errors(_probe);

        var atOnce = await SendRawAsync(_probe, "/grpc.health.v1.Health/Check", new ByteArrayContent(body), encoding: null);
        var inParts = await SendRawAsync(_probe, "/grpc.health.v1.Health/Check", new InTwoParts(body, split: 4), encoding: null);

        // A service name over the bound is refused by validation, which sees the message only once it was read whole.
        Assert.Equal(serviceNameLength == 0 ? StatusCode.OK : StatusCode.InvalidArgument, atOnce);
        Assert.Equal(atOnce, inParts);
        Assert.Equal(errorsBefore, Errors(_probe));
    }

    /// <summary>grpc-dotnet takes <c>application/grpc</c> with parameters as gRPC: so does the check.</summary>
    [Theory]
    [InlineData("00 00 00 03 e8 61 62 63", null, StatusCode.InvalidArgument)]
    [InlineData("01 00 00 00 03 61 62 63", "gzip", StatusCode.Unimplemented)]
    public async Task A_content_type_with_parameters_is_checked_as_gRPC_too(string body, string? encoding, StatusCode expected)
    {
        var errorsBefore = Errors(_probe);

        var answered = await SendRawAsync(
            _probe, "/grpc.health.v1.Health/Check", new ByteArrayContent(Convert.FromHexString(body.Replace(" ", string.Empty, StringComparison.Ordinal))), encoding, "application/grpc; charset=x");

        Assert.Equal(expected, answered);
        Assert.Equal(errorsBefore, Errors(_probe));
    }

    private static async Task<StatusCode> SendRawAsync(ServiceHost host, string method, HttpContent content, string? encoding, string contentType = "application/grpc")
    {
        using var http = new HttpClient();
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.Endpoints.GrpcUri, method))
        {
            Content = content,
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        }

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var status = response.Headers.TryGetValues("grpc-status", out var inHeaders) ? inHeaders : response.TrailingHeaders.GetValues("grpc-status");
        return (StatusCode)int.Parse(status.Single(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Its first <c>split</c> bytes sent and flushed as a frame of their own, the rest a moment later.</summary>
    private sealed class InTwoParts(byte[] body, int split) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, split));
            await stream.FlushAsync();
            // The shape of the traffic, not a wait for a condition: the server's first read takes the first frame alone.
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            await stream.WriteAsync(body.AsMemory(split));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    private static int Errors(ServiceHost host) => host.Logs.Lines.Count(line => line.Contains("\"level\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"level\":\"Critical\"", StringComparison.Ordinal));

    private sealed class ThrowingTicketing(ILogger<ThrowingTicketing> logger) : TicketingService.TicketingServiceBase
    {
        public override Task<Project> GetProject(GetProjectRequest request, ServerCallContext context)
        {
            logger.LogInformation("Looking up project {Key}", request.Key);
            throw request.Key switch
            {
                "MISSING" => new NotFoundException("project", request.Key, "key"),
                "TAKEN" => new AlreadyExistsException("customer", "c-42", "address"),
                "ERASED" => new PreconditionFailedException("ERASED", "customer", "The address was erased by request e-1."),
                "STALE" => new ConcurrencyConflictException("customer", "c-42"),
                "SLOW" => new RateLimitedException("Too many attempts.", TimeSpan.FromSeconds(30)),
                "FORBIDDEN" => new PermissionDeniedException("Agents of another project may not read this."),
                _ => new InvalidOperationException($"Lookup failed for {LeakedAddress}"),
            };
        }
    }
}

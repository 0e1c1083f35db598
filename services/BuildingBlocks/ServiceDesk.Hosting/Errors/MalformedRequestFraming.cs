using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ServiceDesk.Hosting.Errors;

/// <summary>
/// Reads a gRPC request's body before grpc-dotnet does and answers one that is not exactly one uncompressed message of
/// the length its prefix declares with INVALID_ARGUMENT (UNIMPLEMENTED for a compressed one), from any caller, before
/// any token is read. grpc-dotnet answers a short or overlong body INTERNAL, and a prefix whose flag is neither 0 nor
/// 1 UNKNOWN with an error and its stack in the log, for every such request; and it would decompress a compressed
/// message in memory without bound (a small gzip body expands a thousandfold), though no client of ours compresses.
/// The body is only examined, not consumed: grpc-dotnet reads the same buffer. Every RPC but reflection's takes one
/// request message; reflection's stream is left alone.
/// </summary>
internal static class MalformedRequestFraming
{
    private const int PrefixLength = 5;

    public static IApplicationBuilder UseMalformedRequestFraming(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (IsUnaryGrpc(context.Request) && await RefusalOfAsync(context.Request) is { } refusal)
            {
                Answer(context.Response, refusal);
                return;
            }

            await next(context);
        });

    /// <summary>gRPC over HTTP/2, the gRPC port's protocol (the HTTP/1.1 port's requests are not gRPC whatever they say).</summary>
    private static bool IsUnaryGrpc(HttpRequest request) =>
        HttpProtocol.IsHttp2(request.Protocol)
        && request.ContentType is { } contentType
        && IsGrpcContentType(contentType)
        && request.Path.StartsWithSegments("/grpc.reflection.v1alpha.ServerReflection", StringComparison.OrdinalIgnoreCase) is false
        && request.Path.StartsWithSegments("/grpc.reflection.v1.ServerReflection", StringComparison.OrdinalIgnoreCase) is false;

    /// <summary>grpc-dotnet's own rule: <c>application/grpc</c>, alone or followed by <c>+</c> (a format) or <c>;</c> (parameters).</summary>
    private static bool IsGrpcContentType(string contentType) =>
        contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase)
        && (contentType.Length == "application/grpc".Length || contentType["application/grpc".Length] is '+' or ';');

    private static async Task<Status?> RefusalOfAsync(HttpRequest request)
    {
        var body = request.BodyReader;
        try
        {
            while (true)
            {
                var read = await body.ReadAsync(request.HttpContext.RequestAborted);
                if (read.IsCompleted || read.IsCanceled)
                {
                    var refusal = RefusalOf(read.Buffer);
                    // Examined to the end (never less than before, which a pipe refuses), consumed nothing: grpc-dotnet's
                    // read of the completed body returns all of it at once.
                    body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                    return refusal;
                }

                body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel counts the bytes as they are examined: the last examination counts too, a body that came whole in one read.
            return new Status(StatusCode.ResourceExhausted, "The request is larger than the maximum this service accepts.");
        }
    }

    private static Status? RefusalOf(ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < PrefixLength)
        {
            return Invalid("it holds no whole message prefix");
        }

        Span<byte> prefix = stackalloc byte[PrefixLength];
        buffer.Slice(0, PrefixLength).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
        return prefix[0] switch
        {
            1 => new Status(StatusCode.Unimplemented, "Compressed messages are not accepted; send the message uncompressed (grpc-encoding identity)."),
            not 0 => Invalid("its prefix's compressed flag is neither 0 nor 1"),
            _ when length != buffer.Length - PrefixLength => Invalid($"its prefix declares {length} bytes and {buffer.Length - PrefixLength} follow"),
            _ => null,
        };
    }

    private static Status Invalid(string why) => new(StatusCode.InvalidArgument, $"The request body is not one gRPC message: {why}.");

    /// <summary>A trailers-only response: the status in the headers, no message.</summary>
    private static void Answer(HttpResponse response, Status status)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = status.Detail;
        if (status.StatusCode == StatusCode.Unimplemented)
        {
            response.Headers["grpc-accept-encoding"] = "identity";
        }
    }
}

using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace ServiceDesk.Gateway.Problems;

/// <summary>
/// Kestrel refuses a request line or a header section over its limits before any middleware runs, with an empty 414 or
/// 431 it offers no way to fill. The gateway keeps Kestrel's default limits as its own, answering what exceeds them with
/// the API's problem+json, and lets Kestrel take up to <see cref="KestrelHeadroom"/> times as much, so only a request
/// beyond that still gets Kestrel's empty answer.
/// </summary>
internal static class RequestLimits
{
    /// <summary>Kestrel's defaults: method, target and protocol; every header line; header lines.</summary>
    public const int MaxRequestLineBytes = 8 * 1024;
    public const int MaxHeaderBytes = 32 * 1024;
    public const int MaxHeaderCount = 100;

    private const int KestrelHeadroom = 2;

    public static IWebHostBuilder AllowsKestrelHeadroomOverRequestLimits(this IWebHostBuilder webHost) =>
        webHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestLineSize = KestrelHeadroom * MaxRequestLineBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = KestrelHeadroom * MaxHeaderBytes;
            kestrel.Limits.MaxRequestHeaderCount = KestrelHeadroom * MaxHeaderCount;
        });

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (Refusal(http) is { } problem)
            {
                await Results.Problem(problem).ExecuteAsync(http);
                return;
            }

            await next(http);
        });

    private static ProblemDetails? Refusal(HttpContext http)
    {
        var request = http.Request;
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? $"{request.PathBase}{request.Path}{request.QueryString}";
        if (request.Method.Length + target.Length + request.Protocol.Length + 2 > MaxRequestLineBytes)
        {
            return Problem(StatusCodes.Status414UriTooLong, "URI too long", "URI_TOO_LONG", "url", $"is longer than this API accepts: at most {MaxRequestLineBytes} bytes in the request line");
        }

        var lines = 0;
        var bytes = 0;
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                lines++;
                // "name: value\r\n", as Kestrel counts a header line.
                bytes += name.Length + (value?.Length ?? 0) + 4;
            }
        }

        return lines > MaxHeaderCount || bytes > MaxHeaderBytes
            ? Problem(StatusCodes.Status431RequestHeaderFieldsTooLarge, "Request headers too large", "REQUEST_HEADERS_TOO_LARGE", "headers",
                $"are more than this API accepts: at most {MaxHeaderCount} header lines and {MaxHeaderBytes} bytes in all")
            : null;
    }

    private static ProblemDetails Problem(int status, string title, string code, string field, string description) => new()
    {
        Status = status,
        Title = title,
        Extensions =
        {
            ["code"] = code,
            ["errors"] = new Dictionary<string, string[]> { [field] = [description] },
        },
    };
}

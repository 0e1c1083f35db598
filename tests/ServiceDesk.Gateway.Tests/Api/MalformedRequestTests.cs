using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace ServiceDesk.Gateway.Tests.Api;

/// <summary>Requests a client can get wrong, answered as every refusal of the API is: problem+json with a <c>code</c>.</summary>
[Collection(GatewayCollection.Name)]
public sealed class MalformedRequestTests(GatewayHosts hosts)
{
    /// <summary>
    /// ASP.NET Core writes a problem only for a client that accepts JSON: one asking for HTML or XML got "Status Code: 404;
    /// Not Found" as text/plain from the API's paths.
    /// </summary>
    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml")]
    public async Task Every_problem_of_the_API_is_json_whatever_the_client_accepts(string accept)
    {
        using var http = new HttpClient { BaseAddress = hosts.Gateway.Endpoints.HttpUri };
        http.DefaultRequestHeaders.Accept.ParseAdd(accept);
        var requests = new (HttpMethod Method, string Path, HttpContent? Body, HttpStatusCode Status, string Code)[]
        {
            (HttpMethod.Get, "/api/v1/no-such-resource", null, HttpStatusCode.NotFound, "NOT_FOUND"),
            (HttpMethod.Patch, "/api/v1/me", null, HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED"),
            (HttpMethod.Post, "/api/v1/session", new StringContent("{}", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"),
            (HttpMethod.Post, "/api/v1/session", new StringContent("{", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, "INVALID_ARGUMENT"),
            (HttpMethod.Get, "/api/v1/me", null, HttpStatusCode.Unauthorized, "UNAUTHENTICATED"),
        };

        foreach (var (method, path, body, status, code) in requests)
        {
            using var response = await http.SendAsync(new HttpRequestMessage(method, path) { Content = body });
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(status == response.StatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{method} {path}: {response.Content.Headers.ContentType} {text}");
            Assert.Equal(code, JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
        }
    }
    /// <summary>JSON nested past the reader's depth (64) under a property no body has was answered as "x: has a value of the wrong type".</summary>
    [Fact]
    public async Task A_body_nested_too_deeply_is_400_saying_so()
    {
        using var client = hosts.NewClient();
        var nested = $$"""{"login": "a", "password": "b", "x": {{new string('[', 100)}}{{new string(']', 100)}}}""";

        var problem = await client.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/v1/tokens", new StringContent(nested, Encoding.UTF8, "application/json"));

        Assert.Equal("INVALID_ARGUMENT", problem.GetProperty("code").GetString());
        Assert.Equal(["body"], problem.GetProperty("errors").EnumerateObject().Select(field => field.Name));
        Assert.Equal("is nested deeper than this API reads (64 levels)", problem.GetProperty("errors").GetProperty("body")[0].GetString());
    }

    /// <summary>
    /// Kestrel refuses a request line or header section over its limits before any of the gateway's code runs, with an
    /// empty 414 or 431 it offers no way to fill; the gateway's own limits, the same as Kestrel's defaults, now come first.
    /// </summary>
    [Fact]
    public async Task A_request_line_or_headers_over_the_limits_are_414_and_431_problem_json_and_just_under_them_pass()
    {
        var overLimits = new (string Name, string Headers, string Target, int Status, string Code)[]
        {
            ("a 9 KiB URL", string.Empty, $"/api/v1/tickets?projectKey={new string('A', 9 * 1024)}", 414, "URI_TOO_LONG"),
            ("a 40 KiB cookie", $"Cookie: a={new string('a', 40 * 1024)}\r\n", "/api/v1/me", 431, "REQUEST_HEADERS_TOO_LARGE"),
            ("150 headers", string.Concat(Enumerable.Range(0, 150).Select(i => $"X-Header-{i}: {i}\r\n")), "/api/v1/me", 431, "REQUEST_HEADERS_TOO_LARGE"),
        };

        foreach (var (name, headers, target, status, code) in overLimits)
        {
            var (actual, contentType, body) = await RawAsync($"GET {target} HTTP/1.1\r\nHost: gateway\r\n{headers}Connection: close\r\n\r\n");

            Assert.True(status == actual, $"{name}: {actual} {body}");
            Assert.True(contentType == "application/problem+json", $"{name}: {contentType} {body}");
            Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        }

        var (underLimits, _, _) = await RawAsync(
            $"GET /api/v1/no-such-resource?q={new string('A', 7 * 1024)} HTTP/1.1\r\nHost: gateway\r\nCookie: a={new string('a', 30 * 1024)}\r\n"
            + string.Concat(Enumerable.Range(0, 90).Select(i => $"X-Header-{i}: {i}\r\n")) + "Connection: close\r\n\r\n");
        Assert.Equal(404, underLimits);
    }

    /// <summary>Sends <paramref name="request"/> as it is and reads the answer to the end of the connection.</summary>
    private async Task<(int Status, string? ContentType, string Body)> RawAsync(string request)
    {
        var gateway = hosts.Gateway.Endpoints.HttpUri;
        using var client = new TcpClient();
        await client.ConnectAsync(gateway.Host, gateway.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var head = response[..response.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n");
        var contentType = head.Skip(1).Select(line => line.Split(':', 2)).FirstOrDefault(pair => pair[0].Equals("Content-Type", StringComparison.OrdinalIgnoreCase))?[1].Trim();
        var body = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        if (head.Any(line => line.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            body = Unchunked(body);
        }

        return (int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), contentType?.Split(';')[0], body);
    }

    private static string Unchunked(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..lineEnd], 16);
            if (size == 0)
            {
                return body.ToString();
            }

            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}

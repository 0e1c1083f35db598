using System.Net;
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
}

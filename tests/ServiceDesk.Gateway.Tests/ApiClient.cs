using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Gateway.Tests;

/// <summary>
/// A browser-like client of the gateway's API: keeps cookies, and sends the CSRF token of its cookie session
/// on unsafe requests unless told not to. A bearer token, when set, replaces the cookies.
/// </summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    public ApiClient(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, UseCookies = true }) { BaseAddress = baseAddress };
    }

    private const long LargeBodyBytes = 64 * 1024;

    public CookieContainer Cookies { get; }

    public string? CsrfToken { get; set; }

    public string? BearerToken { get; set; }

    public async Task<JsonElement> SignInAsync(string login, string password = IdentityTestHost.Password)
    {
        var session = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/v1/session", new { login, password });
        CsrfToken = session.GetProperty("csrfToken").GetString();
        return session;
    }

    /// <summary>A <paramref name="body"/> that is an <see cref="HttpContent"/> goes as it is; any other object as JSON.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, bool withCsrf = true, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body);
            // A body over the gateway's limit is refused (413) and the connection closed while the client may still be
            // writing it, which surfaced as a broken pipe instead of the answer: such a body waits for 100 Continue.
            request.Headers.ExpectContinue = request.Content.Headers.ContentLength > LargeBodyBytes ? true : null;
        }

        if (withCsrf && CsrfToken is not null)
        {
            request.Headers.Add("X-CSRF-Token", CsrfToken);
        }

        if (BearerToken is not null)
        {
            request.Headers.Authorization = new("Bearer", BearerToken);
        }

        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await _http.SendAsync(request);
    }

    /// <summary>Sends and asserts the status; returns the JSON body (an empty object for 204).</summary>
    public async Task<JsonElement> ExpectAsync(HttpStatusCode status, HttpMethod method, string path, object? body = null, bool withCsrf = true)
    {
        using var response = await SendAsync(method, path, body, withCsrf);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{method} {path}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? JsonDocument.Parse("{}").RootElement : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a problem+json answer with the status and returns it.</summary>
    public async Task<JsonElement> ProblemAsync(HttpStatusCode status, HttpMethod method, string path, object? body = null, bool withCsrf = true)
    {
        using var response = await SendAsync(method, path, body, withCsrf);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{method} {path}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose() => _http.Dispose();
}

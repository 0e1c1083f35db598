using Microsoft.AspNetCore.Mvc;

namespace ServiceDesk.Gateway.Sessions;

/// <summary>
/// A cookie session's refresh the gateway did not ask Identity for (<see cref="SessionRefreshes"/>): the request is
/// answered <see cref="Problem"/> with <c>Retry-After</c>, and the session goes on, its refresh token unspent.
/// </summary>
public sealed class RefreshNotStartedException(ProblemDetails problem, TimeSpan retryAfter) : Exception(problem.Detail)
{
    public ProblemDetails Problem { get; } = problem;

    public TimeSpan RetryAfter { get; } = retryAfter;
}

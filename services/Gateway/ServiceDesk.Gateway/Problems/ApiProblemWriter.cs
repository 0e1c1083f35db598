namespace ServiceDesk.Gateway.Problems;

/// <summary>
/// The API answers problem+json whatever the request's <c>Accept</c> says: ASP.NET Core's own writer declines a client
/// that accepts no JSON (<c>text/html</c>, <c>application/xml</c>), and the status code pages then wrote "Status Code: 404;
/// Not Found" as text/plain. Registered after the framework's writer, this one takes what it declines on the API's paths
/// and has it write them, so they keep its shape (type, title, traceId, and <see cref="BadRequestProblems.AddCode"/>).
/// </summary>
internal sealed class ApiProblemWriter : IProblemDetailsWriter
{
    public static readonly PathString ApiPath = "/api";

    public bool CanWrite(ProblemDetailsContext context) => context.HttpContext.Request.Path.StartsWithSegments(ApiPath);

    public ValueTask WriteAsync(ProblemDetailsContext context) =>
        context.HttpContext.RequestServices.GetServices<IProblemDetailsWriter>().First(writer => writer is not ApiProblemWriter).WriteAsync(context);
}

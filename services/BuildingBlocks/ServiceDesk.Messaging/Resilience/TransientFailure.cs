using Grpc.Core;
using MongoDB.Driver;
using ServiceDesk.Hosting.Errors;
using StackExchange.Redis;

namespace ServiceDesk.Messaging.Resilience;

/// <summary>
/// Failures of something the handler depends on rather than of the handler itself: Redis or the store
/// unreachable, a called service UNAVAILABLE, past its deadline or refusing calls while overloaded
/// (RESOURCE_EXHAUSTED). They spend no handler attempt (an outage
/// dead-letters nothing); the loop backs off and retries the same entries.
/// </summary>
public static class TransientFailure
{
    public static bool Is(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is RedisException or TimeoutException or IOException or UnauthorizedAccessException or MongoConnectionException
                || current is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted }
                || current is ServiceException { Code: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted })
            {
                return true;
            }
        }

        return false;
    }
}

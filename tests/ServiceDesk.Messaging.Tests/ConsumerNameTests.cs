using Xunit;

namespace ServiceDesk.Messaging.Tests;

public sealed class ConsumerNameTests
{
    [Fact]
    public void The_pod_name_is_the_consumer_name_unless_one_is_configured()
    {
        Assert.Equal("ticketing-7d9f-x2k", new MessagingOptions().ResolveInstanceName("ticketing-7d9f-x2k"));
        Assert.Equal("configured", new MessagingOptions { InstanceName = "configured" }.ResolveInstanceName("ticketing-7d9f-x2k"));
        Assert.Equal($"{Environment.MachineName}-{Environment.ProcessId}", new MessagingOptions().ResolveInstanceName(null));
    }
}

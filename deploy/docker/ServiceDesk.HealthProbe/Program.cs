using Microsoft.Extensions.Configuration;
using ServiceDesk.HealthProbe;

var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
// Below the image's HEALTHCHECK timeout; a cold process spends part of it starting and handshaking.
return await GrpcHealthProbe.CheckAsync(configuration, TimeSpan.FromSeconds(5), Console.Error, CancellationToken.None);

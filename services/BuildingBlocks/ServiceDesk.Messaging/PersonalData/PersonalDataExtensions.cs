using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Clients;

namespace ServiceDesk.Messaging.PersonalData;

public static class PersonalDataExtensions
{
    /// <summary>Unseals personal data in events with keys fetched from Directory (<c>Services:directory</c>).</summary>
    public static IServiceCollection AddCustomerKeysFromDirectory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMemoryCache();
        services.AddServiceClient<CustomerKeyService.CustomerKeyServiceClient>(configuration, ServiceNames.Directory);
        services.AddSingleton<ICustomerKeyProvider, DirectoryCustomerKeyProvider>();
        services.AddSingleton<PersonalDataSealer>();
        return services;
    }
}

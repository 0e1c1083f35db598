using ServiceDesk.Hosting;
using ServiceDesk.Hosting.Validation;
using ServiceDesk.Messaging;
using ServiceDesk.Storage;
using ServiceDesk.Directory.Grpc;

namespace ServiceDesk.Directory;

public static class DirectoryServiceExtensions
{
    public static WebApplicationBuilder AddDirectoryService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults(ServiceNames.Directory);
        builder.AddServiceStorage(ServiceNames.Directory);
        builder.AddRedis(ServiceNames.Directory);
        builder.Services.AddRequestValidators(typeof(DirectoryServiceExtensions).Assembly);
        return builder;
    }

    public static WebApplication MapDirectoryService(this WebApplication app)
    {
        app.MapServiceDefaults();
        app.MapGrpcService<DirectoryGrpcService>();
        app.MapGrpcService<ErasureGrpcService>();
        app.MapGrpcService<CustomerKeyGrpcService>();
        return app;
    }
}

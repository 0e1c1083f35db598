using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace ServiceDesk.Hosting.Validation;

public static class ValidationRegistration
{
    /// <summary>Registers every <see cref="IRequestValidator{TRequest}"/> in the assembly.</summary>
    public static IServiceCollection AddRequestValidators(this IServiceCollection services, Assembly assembly)
    {
        var validators =
            from type in assembly.GetTypes()
            where type is { IsAbstract: false, IsGenericTypeDefinition: false }
            from contract in type.GetInterfaces()
            where contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(IRequestValidator<>)
            select (contract, type);
        foreach (var (contract, type) in validators)
        {
            services.AddSingleton(contract, type);
        }

        return services;
    }
}

using Microsoft.AspNetCore.Builder;

namespace ServiceDesk.Testing;

/// <summary>How to wire one service: the same two extension methods its Program.cs calls.</summary>
public sealed record ServiceApp(string Name, string AssemblyName, Action<WebApplicationBuilder> Add, Action<WebApplication> Map);

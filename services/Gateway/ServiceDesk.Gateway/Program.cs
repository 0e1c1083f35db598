using ServiceDesk.Hosting;
using ServiceDesk.Gateway;

var builder = WebApplication.CreateBuilder(args);
builder.AddGatewayService();

var app = builder.Build();
app.MapGatewayService();
return await app.RunServiceAsync();

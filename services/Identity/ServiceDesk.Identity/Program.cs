using ServiceDesk.Hosting;
using ServiceDesk.Identity;

var builder = WebApplication.CreateBuilder(args);
builder.AddIdentityService();

var app = builder.Build();
app.MapIdentityService();
return await app.RunServiceAsync();

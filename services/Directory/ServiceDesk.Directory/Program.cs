using ServiceDesk.Hosting;
using ServiceDesk.Directory;

var builder = WebApplication.CreateBuilder(args);
builder.AddDirectoryService();

var app = builder.Build();
app.MapDirectoryService();
return await app.RunServiceAsync();

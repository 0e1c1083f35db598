using ServiceDesk.Hosting;
using ServiceDesk.Notification;

var builder = WebApplication.CreateBuilder(args);
builder.AddNotificationService();

var app = builder.Build();
app.MapNotificationService();
return await app.RunServiceAsync();
